using Interop.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Interop.Tests.Infrastructure;

/// <summary>Raw rows and query plans for tests of the storage schema and its migrations.</summary>
public static class SchemaProbes
{
    /// <summary>Current first versions of each (type, id), inserted as SQL so that they need no derived rows.</summary>
    public static async Task InsertCurrentVersionsAsync(InteropDbContext db, StorageProvider provider, params (string Type, string Id)[] versions)
    {
        var (yes, no) = provider == StorageProvider.PostgreSql ? ("true", "false") : ("1", "0");
        var values = string.Join(", ", versions.Select(v => $"('{v.Type}', '{v.Id}', 1, 1, {no}, {yes}, 'x', 'POST')"));
        var insert = "INSERT INTO resource_versions (\"ResourceType\", \"ResourceId\", \"VersionId\", \"LastUpdated\", \"IsDeleted\", \"IsCurrent\", \"Json\", \"Method\") VALUES " + values;
        await db.Database.ExecuteSqlRawAsync(insert);
    }

    /// <summary>SQLite's plan for <paramref name="queryString"/> (EF Core's ToQueryString: <c>.param set</c> lines, then the SQL), one step a line.</summary>
    public static async Task<string> ExplainSqliteAsync(InteropDbContext db, string queryString)
    {
        var lines = queryString.Split('\n');
        await db.Database.OpenConnectionAsync();
        await using var command = (SqliteCommand)db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', lines.Where(l => !l.StartsWith(".param", StringComparison.Ordinal)));
        foreach (var line in lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)))
        {
            var parts = line["param set ".Length..].Trim().Split(' ', 2);
            command.Parameters.AddWithValue(parts[0], parts[1].Trim('\''));
        }
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        return string.Join("\n", plan);
    }
}
