using System.Text;

namespace PresenceHub.Connector.Sdk;

/// <summary>
/// Keeps each connector's cursor in a file <c>{connectorId}.cursor</c> in one directory. A save writes a temporary
/// file and renames it over the old one, so a crash leaves either the old or the new cursor, never a torn one.
/// </summary>
public sealed class FileCursorStore : ICursorStore
{
    private readonly string _directory;

    /// <summary>Creates a store in <paramref name="directory"/>, which is created when missing.</summary>
    public FileCursorStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    /// <inheritdoc />
    public async ValueTask<string?> LoadAsync(string connectorId, CancellationToken cancellationToken)
    {
        var path = PathOf(connectorId);
        if (!File.Exists(path))
        {
            return null;
        }

        var cursor = (await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false)).Trim();
        return cursor.Length == 0 ? null : cursor;
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(string connectorId, string cursor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(cursor);
        var path = PathOf(connectorId);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, cursor, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(string connectorId)
    {
        if (!ConnectorClientOptions.IsValidConnectorId(connectorId))
        {
            throw new ArgumentException("Not a valid connector id.", nameof(connectorId));
        }

        return Path.Combine(_directory, connectorId + ".cursor");
    }
}
