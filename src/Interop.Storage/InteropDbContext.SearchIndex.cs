using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Storage;

public abstract partial class InteropDbContext
{
    public DbSet<TokenIndexRow> TokenIndex => Set<TokenIndexRow>();
    public DbSet<StringIndexRow> StringIndex => Set<StringIndexRow>();
    public DbSet<DateIndexRow> DateIndex => Set<DateIndexRow>();
    public DbSet<QuantityIndexRow> QuantityIndex => Set<QuantityIndexRow>();
    public DbSet<ReferenceIndexRow> ReferenceIndex => Set<ReferenceIndexRow>();
    public DbSet<UriIndexRow> UriIndex => Set<UriIndexRow>();
    public DbSet<ReindexJobRow> ReindexJobs => Set<ReindexJobRow>();

    partial void ConfigureModelParts(ModelBuilder modelBuilder)
    {
        ConfigureSearchIndex(modelBuilder);
        ConfigureLedgerAndAudit(modelBuilder);
    }

    partial void ConfigureLedgerAndAudit(ModelBuilder modelBuilder);

    private void ConfigureSearchIndex(ModelBuilder b)
    {
        b.Entity<ResourceVersionRow>(e =>
        {
            e.HasMany(r => r.Tokens).WithOne().HasForeignKey(x => x.ResourceRowId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Strings).WithOne().HasForeignKey(x => x.ResourceRowId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Dates).WithOne().HasForeignKey(x => x.ResourceRowId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Quantities).WithOne().HasForeignKey(x => x.ResourceRowId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.References).WithOne().HasForeignKey(x => x.ResourceRowId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Uris).WithOne().HasForeignKey(x => x.ResourceRowId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<TokenIndexRow>(e =>
        {
            e.ToTable("search_tokens");
            Common(e);
            e.Property(x => x.System).HasMaxLength(256);
            e.Property(x => x.Code).HasMaxLength(256);
            e.Property(x => x.Text).HasMaxLength(512);
            e.Property(x => x.TypeSystem).HasMaxLength(256);
            e.Property(x => x.TypeCode).HasMaxLength(128);
            e.HasIndex(x => new { x.ResourceType, x.ParamName, x.Code, x.System, x.ResourceRowId });
        });
        b.Entity<StringIndexRow>(e =>
        {
            e.ToTable("search_strings");
            Common(e);
            e.Property(x => x.Normalized).HasMaxLength(512);
            // Byte order, as on SQLite: PostgreSQL serves a string search's LIKE 'prefix%' from the
            // B-tree index only under the C collation, and _sort then orders the same on both.
            if (Provider == StorageProvider.PostgreSql) e.Property(x => x.Normalized).UseCollation("C");
            e.Property(x => x.Exact).HasMaxLength(512);
            e.HasIndex(x => new { x.ResourceType, x.ParamName, x.Normalized, x.ResourceRowId });
        });
        b.Entity<DateIndexRow>(e =>
        {
            e.ToTable("search_dates");
            Common(e);
            e.HasIndex(x => new { x.ResourceType, x.ParamName, x.Start, x.End, x.ResourceRowId });
            // gt, ge and eb test only the end of the range (SearchPredicateBuilder): without this
            // index they walk every row of the parameter before the value through the index above.
            e.HasIndex(x => new { x.ResourceType, x.ParamName, x.End, x.ResourceRowId });
        });
        b.Entity<QuantityIndexRow>(e =>
        {
            e.ToTable("search_quantities");
            Common(e);
            e.Property(x => x.System).HasMaxLength(256);
            e.Property(x => x.Code).HasMaxLength(128);
            e.Property(x => x.Unit).HasMaxLength(128);
            e.Property(x => x.Value).HasPrecision(38, 10);
            e.Property(x => x.Low).HasPrecision(38, 10);
            e.Property(x => x.High).HasPrecision(38, 10);
            if (Provider == StorageProvider.Sqlite)
            {
                // SQLite has no decimal type (EF stores TEXT, which neither compares nor sorts as a
                // number); REAL does both, and query values go through the same conversion.
                e.Property(x => x.Value).HasConversion<double>();
                e.Property(x => x.Low).HasConversion<double>();
                e.Property(x => x.High).HasConversion<double>();
            }
            e.HasIndex(x => new { x.ResourceType, x.ParamName, x.Value, x.ResourceRowId });
        });
        b.Entity<ReferenceIndexRow>(e =>
        {
            e.ToTable("search_references");
            Common(e);
            e.Property(x => x.TargetType).HasMaxLength(64);
            e.Property(x => x.TargetId).HasMaxLength(64);
            e.Property(x => x.Url).HasMaxLength(512);
            e.Property(x => x.IdentifierSystem).HasMaxLength(256);
            e.Property(x => x.IdentifierValue).HasMaxLength(256);
            e.Property(x => x.Version).HasMaxLength(64);
            e.HasIndex(x => new { x.ResourceType, x.ParamName, x.TargetId, x.TargetType, x.ResourceRowId });
            // Reverse lookups start from the target (a reference criterion tested row by row). Not for
            // AuditEvents: every access stores one naming what it released, some twenty references at
            // scattered places in each index of this table, and this index was a third of their cost
            // (docs/benchmarks.md, 7 December, midday). _has names its source type and takes the index
            // above; searches of AuditEvents by reference use it too.
            e.HasIndex(x => new { x.TargetType, x.TargetId, x.ParamName })
                .HasFilter($"{Quote("ResourceType")} <> 'AuditEvent'");
        });
        b.Entity<UriIndexRow>(e =>
        {
            e.ToTable("search_uris");
            Common(e);
            e.Property(x => x.Uri).HasMaxLength(512);
            e.HasIndex(x => new { x.ResourceType, x.ParamName, x.Uri, x.ResourceRowId });
        });
        b.Entity<ReindexJobRow>(e =>
        {
            e.ToTable("search_reindex_jobs");
            e.HasKey(x => x.Id);
            e.Property(x => x.ResourceType).HasMaxLength(64);
            e.Property(x => x.Status).HasMaxLength(16).IsRequired();
            e.Property(x => x.Error).HasMaxLength(1024);
            e.Property(x => x.LeaseOwner).HasMaxLength(128);
            e.HasIndex(x => x.Status);
        });
    }

    private static void Common<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> e) where T : class
    {
        e.HasKey("Id");
        e.Property<string>("ResourceType").HasMaxLength(64).IsRequired();
        e.Property<string>("ParamName").HasMaxLength(64).IsRequired();
        e.HasIndex("ResourceRowId");
    }
}
