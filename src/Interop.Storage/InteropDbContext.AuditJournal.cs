using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Storage;

public abstract partial class InteropDbContext
{
    /// <summary>Access records committed with their requests and not yet stored as AuditEvents.</summary>
    public DbSet<AuditJournalRow> AuditJournal => Set<AuditJournalRow>();

    /// <summary>Patients' views of accesses, built and waiting to be stored as AuditEvents.</summary>
    public DbSet<AuditPendingViewRow> AuditPendingViews => Set<AuditPendingViewRow>();

    private static void ConfigureAuditJournal(ModelBuilder b)
    {
        b.Entity<AuditJournalRow>(e =>
        {
            e.ToTable("audit_journal");
            e.HasKey(x => x.Id);
            e.Property(x => x.Entry).IsRequired();
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
    }
}
