using System.Globalization;
using System.Text.Json;
using PresenceHub.Presence;

namespace PresenceHub.Gateway.Demo;

/// <summary>
/// What the demo hands a developer for their own connector: the gRPC connector endpoint, a connector key issued like
/// any administrator's (named <see cref="ConnectorId"/>, not bound to a platform) and the organization. The demo
/// prints it and writes it to <see cref="FilePath"/> for samples to read; the key is a secret, so the file is the
/// owner's alone (0600 in a 0700 directory) and never logged.
/// </summary>
/// <param name="Endpoint">The HTTP/2 listener connectors dial, e.g. <c>http://127.0.0.1:5001</c>.</param>
/// <param name="Key">The connector key, <c>phk_...</c>.</param>
/// <param name="Organization">The demo tenant the key belongs to.</param>
/// <param name="FilePath">Where the JSON file is written.</param>
internal sealed record DeveloperConnector(string Endpoint, string Key, OrganizationId Organization, string FilePath)
{
    /// <summary>The key's name in the admin API, and the connector id the samples say hello with.</summary>
    public const string ConnectorId = "your-connector";

    /// <summary>The platform the file suggests; the key accepts any.</summary>
    public const string PlatformHint = "python";

    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Writes <c>{"endpoint", "key", "organizationId", "platformHint"}</c> to <see cref="FilePath"/>, replacing what
    /// is there: a new owner-only file renamed over the old, so the key is never readable by others, not even briefly.
    /// </summary>
    public async Task WriteFileAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(FilePath)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }

        var content = JsonSerializer.SerializeToUtf8Bytes(
            new { endpoint = Endpoint, key = Key, organizationId = Organization.ToString(), platformHint = PlatformHint }, Indented);
        var temporary = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $".{Path.GetFileName(FilePath)}.{Environment.ProcessId}.tmp"));
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            // A leftover of a crashed run may have another mode; a new file gets the one above.
            File.Delete(temporary);
            var stream = new FileStream(temporary, create);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, FilePath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Everything but the key, should the record ever be written anywhere.</summary>
    public override string ToString() => $"{nameof(DeveloperConnector)} {{ Endpoint = {Endpoint}, Organization = {Organization}, FilePath = {FilePath} }}";

    /// <summary>Deletes the file, unless another demo has replaced it with its own key since.</summary>
    public void DeleteFile()
    {
        if (File.Exists(FilePath) && File.ReadAllText(FilePath).Contains(Key, StringComparison.Ordinal))
        {
            File.Delete(FilePath);
        }
    }
}
