using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;

namespace PresenceHub.GraphSimulator.Tests.TestSupport;

/// <summary>
/// One CA for every simulator of the test run. Most tests trust it per client (CustomTrustStore); the SDK's
/// AreTokensValidAsync fetches the OpenID metadata with IdentityModel's own HttpClient, which only honours the
/// process trust, so before any TLS happens this points OpenSSL's SSL_CERT_FILE at a bundle with this CA
/// (the contract's documented way to trust a stand-in on Linux), for this test process only.
/// </summary>
internal static partial class TestTrust
{
    public static X509Certificate2 Authority { get; private set; } = null!;

    public static string BundlePath { get; private set; } = "";

    [ModuleInitializer]
    internal static void Initialize()
    {
        Authority = GraphSimulator.CreateCertificateAuthority();
        var folder = Path.Combine(Path.GetTempPath(), "presencehub-graphsim-tests", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(folder);
        BundlePath = Path.Combine(folder, "trusted-ca.pem");
        File.WriteAllText(BundlePath, Authority.ExportCertificatePem() + "\n");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp file is harmless.
            }
        };
        if (OperatingSystem.IsLinux())
        {
            _ = SetEnv("SSL_CERT_FILE", BundlePath, 1);
        }
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
#pragma warning disable SYSLIB1054 // A one-off call at module load; LibraryImport would need unsafe blocks.
    private static extern int SetEnv(string name, string value, int overwrite);
#pragma warning restore SYSLIB1054
}
