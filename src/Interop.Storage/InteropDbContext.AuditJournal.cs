using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Storage;

public abstract partial class InteropDbContext
{
    /// <summary>Access records committed with their requests and not yet stored as AuditEvents.</summary>
    public DbSet<AuditJournalRow> AuditJournal => Set<AuditJournalRow>();

    private static void ConfigureAuditJournal(ModelBuilder b)
    {
        b.Entity<AuditJournalRow>(e =>
        {
            e.ToTable("audit_journal");
            e.HasKey(x => x.Id);
            e.Property(x => x.Entry).IsRequired();
        });
    }
}
