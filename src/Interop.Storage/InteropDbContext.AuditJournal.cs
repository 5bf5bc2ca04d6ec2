using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Storage;

public abstract partial class InteropDbContext
{
    /// <summary>Access records committed with their requests and not yet stored as AuditEvents.</summary>
    public DbSet<AuditJournalRow> AuditJournal => Set<AuditJournalRow>();

    /// <summary>How far a SQLite journal file has been stored as AuditEvents (one row).</summary>
    public DbSet<AuditJournalCursorRow> AuditJournalCursor => Set<AuditJournalCursorRow>();

    /// <summary>Patients' views of accesses, built and waiting to be stored as AuditEvents (FHIR JSON: the earlier form, and A40 merge copies).</summary>
    public DbSet<AuditPendingViewRow> AuditPendingViews => Set<AuditPendingViewRow>();

    /// <summary>Patients' views of accesses waiting to be stored as AuditEvents, as what each is built from.</summary>
    public DbSet<AuditViewSourceRow> AuditViewSources => Set<AuditViewSourceRow>();

    /// <summary>
    /// Inserts patients' views inside the open transaction the way a write's index rows are inserted
    /// (one prepared statement on SQLite, one <c>unnest</c> on PostgreSQL, multi-row VALUES elsewhere),
    /// not through the change tracker: a page of twenty search results has twenty views, and on SQLite
    /// EF Core sent each as a statement of its own (a third of storing a batch of search events).
    /// Their ids are not read back.
    /// </summary>
    public Task InsertPendingViewsAsync(IReadOnlyList<AuditPendingViewRow> views, CancellationToken ct) =>
        DerivedRowWriter.InsertRowsAsync(this, views, ct);

    /// <summary>Inserts patients' views in their compact form, as <see cref="InsertPendingViewsAsync"/> does.</summary>
    public Task InsertViewSourcesAsync(IReadOnlyList<AuditViewSourceRow> views, CancellationToken ct) =>
        DerivedRowWriter.InsertRowsAsync(this, views, ct);

    private static void ConfigureAuditJournal(ModelBuilder b)
    {
        b.Entity<AuditJournalRow>(e =>
        {
            e.ToTable("audit_journal");
            e.HasKey(x => x.Id);
            e.Property(x => x.Entry).IsRequired();
        });
        b.Entity<AuditJournalCursorRow>(e =>
        {
            e.ToTable("audit_journal_cursor");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasData(new AuditJournalCursorRow { Id = AuditJournalCursorRow.Single, StoredThrough = 0 });
        });
        b.Entity<AuditPendingViewRow>(e =>
        {
            e.ToTable("audit_pending_views");
            e.HasKey(x => x.Id);
            e.Property(x => x.PatientId).HasMaxLength(64).IsRequired();
            e.Property(x => x.Json).IsRequired();
            // A patient's catch-up takes that patient's rows in order.
            e.HasIndex(x => new { x.PatientId, x.Id });
        });
        b.Entity<AuditViewSourceRow>(e =>
        {
            e.ToTable("audit_view_sources");
            e.HasKey(x => x.Id);
            e.Property(x => x.PatientId).HasMaxLength(64).IsRequired();
            e.Property(x => x.Json).IsRequired();
            e.HasIndex(x => new { x.PatientId, x.Id });
        });
    }
}
