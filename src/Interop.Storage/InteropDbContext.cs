using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Storage;

/// <summary>
/// The one model (architecture decision 8). Each provider has a subclass only so that it can
/// carry its own migrations; the model itself is identical.
/// </summary>
public abstract partial class InteropDbContext : DbContext
{
    protected InteropDbContext(DbContextOptions options) : base(options)
    {
    }

    public DbSet<ResourceVersionRow> Resources => Set<ResourceVersionRow>();

    public DbSet<CompartmentRow> Compartments => Set<CompartmentRow>();

    public DbSet<SecurityLabelRow> SecurityLabels => Set<SecurityLabelRow>();

    public abstract StorageProvider Provider { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var trueLiteral = Provider == StorageProvider.PostgreSql ? "true" : "1";

        modelBuilder.Entity<ResourceVersionRow>(e =>
        {
            e.ToTable("resource_versions");
            e.HasKey(r => r.Id);
            e.Property(r => r.ResourceType).HasMaxLength(64).IsRequired();
            e.Property(r => r.ResourceId).HasMaxLength(64).IsRequired();
            e.Property(r => r.Method).HasMaxLength(8).IsRequired();
            e.Property(r => r.Custodian).HasMaxLength(64);
            // A version number is taken once: two racing updates cannot both write version n+1.
            e.HasIndex(r => new { r.ResourceType, r.ResourceId, r.VersionId }).IsUnique();
            // At most one current row per resource, enforced by the database itself.
            e.HasIndex(r => new { r.ResourceType, r.ResourceId }).IsUnique()
                .HasFilter($"{Quote("IsCurrent")} = {trueLiteral}").HasDatabaseName("IX_resource_versions_current");
            e.HasIndex(r => new { r.ResourceType, r.IsCurrent, r.LastUpdated });
            e.HasIndex(r => r.LastUpdated);
            e.HasMany(r => r.Compartments).WithOne().HasForeignKey(c => c.ResourceRowId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.SecurityLabels).WithOne().HasForeignKey(c => c.ResourceRowId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<CompartmentRow>(e =>
        {
            e.ToTable("resource_compartments");
            e.HasKey(c => new { c.ResourceRowId, c.PatientId });
            e.Property(c => c.PatientId).HasMaxLength(64);
            e.Property(c => c.ResourceType).HasMaxLength(64);
            e.HasIndex(c => new { c.PatientId, c.ResourceType, c.ResourceRowId });
        });

        modelBuilder.Entity<SecurityLabelRow>(e =>
        {
            e.ToTable("resource_security_labels");
            e.HasKey(c => new { c.ResourceRowId, c.System, c.Code });
            e.Property(c => c.System).HasMaxLength(256);
            e.Property(c => c.Code).HasMaxLength(64);
            e.Property(c => c.ResourceType).HasMaxLength(64);
            e.HasIndex(c => new { c.Code, c.ResourceRowId, c.ResourceType });
            // The withholding candidates of one type (ConsentFilter.WithholdingCandidates), sought by
            // type and code. Partial, so that NOPAT (one row per stored AuditEvent) is not in it and
            // no "does this row carry NOPAT?" lookup can be planned on it (decision 0014).
            e.HasIndex(c => new { c.ResourceType, c.Code, c.ResourceRowId })
                .HasFilter($"{Quote("Code")} <> '{Core.Consent.SensitiveClasses.NoPatientDisclosure}'")
                .HasDatabaseName("IX_resource_security_labels_type_code");
        });

        ConfigureModel(modelBuilder);
    }

    /// <summary>Hook for the partial model parts (search index, ledger, audit) kept in their own files.</summary>
    partial void ConfigureModelParts(ModelBuilder modelBuilder);

    private void ConfigureModel(ModelBuilder modelBuilder)
    {
        ConfigureModelParts(modelBuilder);
        ConfigureAdapterTables(modelBuilder);
        ConfigureAuditJournal(modelBuilder);
    }

    private string Quote(string column) => Provider switch
    {
        StorageProvider.SqlServer => $"[{column}]",
        _ => $"\"{column}\"",
    };
}

public sealed class SqliteInteropDbContext(DbContextOptions<SqliteInteropDbContext> options) : InteropDbContext(options)
{
    public override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class PostgreSqlInteropDbContext(DbContextOptions<PostgreSqlInteropDbContext> options) : InteropDbContext(options)
{
    public override StorageProvider Provider => StorageProvider.PostgreSql;
}

public sealed class SqlServerInteropDbContext(DbContextOptions<SqlServerInteropDbContext> options) : InteropDbContext(options)
{
    public override StorageProvider Provider => StorageProvider.SqlServer;
}
