using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Storage;

public abstract partial class InteropDbContext
{
    public DbSet<ConsentLedgerEntry> ConsentLedger => Set<ConsentLedgerEntry>();

    public DbSet<ConsentRuleRow> ConsentRules => Set<ConsentRuleRow>();

    partial void ConfigureLedgerAndAudit(ModelBuilder modelBuilder)
    {
        var b = modelBuilder;
        b.Entity<ConsentLedgerEntry>(e =>
        {
            e.ToTable("consent_ledger");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedNever();
            e.Property(x => x.PatientId).HasMaxLength(64).IsRequired();
            e.Property(x => x.ConsentId).HasMaxLength(64).IsRequired();
            e.Property(x => x.Action).HasMaxLength(16).IsRequired();
            e.Property(x => x.PreviousHash).HasMaxLength(64).IsFixedLength().IsRequired();
            e.Property(x => x.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
            e.HasIndex(x => new { x.ConsentId, x.Sequence });
            e.HasIndex(x => new { x.PatientId, x.Sequence });
        });
        b.Entity<ConsentRuleRow>(e =>
        {
            e.ToTable("consent_rules");
            e.HasKey(x => x.Id);
            e.Property(x => x.PatientId).HasMaxLength(64).IsRequired();
            e.Property(x => x.ConsentId).HasMaxLength(64).IsRequired();
            e.Property(x => x.ActorOrganization).HasMaxLength(64);
            e.Property(x => x.Purpose).HasMaxLength(32);
            e.Property(x => x.SecurityLabel).HasMaxLength(64);
            e.Property(x => x.ResourceType).HasMaxLength(64);
            e.HasIndex(x => new { x.PatientId, x.Permit, x.Level });
            e.HasIndex(x => x.ConsentId);
        });
        ConfigureAudit(b);
    }

    partial void ConfigureAudit(ModelBuilder b);
}
