Console.WriteLine("usage: bench/run <relay>");
return 2;
