namespace Interop.Storage;

/// <summary>The database engines the gateway runs on (contracts.md, <c>Storage:Provider</c>).</summary>
public enum StorageProvider
{
    Sqlite,
    PostgreSql,
    SqlServer,
}
