using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Interop.Storage;

// Used only by `dotnet ef migrations add`: each provider generates its own migrations against
// a placeholder connection string (nothing connects at design time).

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteInteropDbContext>
{
    public SqliteInteropDbContext CreateDbContext(string[] args)
    {
        var b = new DbContextOptionsBuilder<SqliteInteropDbContext>();
        StorageServiceCollectionExtensions.ConfigureSqlite(b, "Data Source=design.db");
        return new SqliteInteropDbContext(b.Options);
    }
}

internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlInteropDbContext>
{
    public PostgreSqlInteropDbContext CreateDbContext(string[] args)
    {
        var b = new DbContextOptionsBuilder<PostgreSqlInteropDbContext>();
        StorageServiceCollectionExtensions.ConfigurePostgreSql(b, "Host=localhost;Database=design");
        return new PostgreSqlInteropDbContext(b.Options);
    }
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerInteropDbContext>
{
    public SqlServerInteropDbContext CreateDbContext(string[] args)
    {
        var b = new DbContextOptionsBuilder<SqlServerInteropDbContext>();
        StorageServiceCollectionExtensions.ConfigureSqlServer(b, "Server=localhost;Database=design;Trusted_Connection=True;TrustServerCertificate=True");
        return new SqlServerInteropDbContext(b.Options);
    }
}
