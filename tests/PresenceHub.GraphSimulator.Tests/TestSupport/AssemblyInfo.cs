// Tests start Kestrel servers and move simulator clocks; on a 2-core machine they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
