using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Storage;

public abstract partial class InteropDbContext
{
    /// <summary>HL7 v2 messages already stored, for duplicate detection by MSH-4 + MSH-10.</summary>
    public DbSet<Hl7ProcessedMessageRow> Hl7ProcessedMessages => Set<Hl7ProcessedMessageRow>();

    /// <summary>Outbound partner messages awaiting or past delivery (transactional outbox).</summary>
    public DbSet<OutboxMessageRow> OutboxMessages => Set<OutboxMessageRow>();

    private static void ConfigureAdapterTables(ModelBuilder b)
    {
        b.Entity<Hl7ProcessedMessageRow>(e =>
        {
            e.ToTable("hl7_processed_messages");
            e.HasKey(x => new { x.SendingFacility, x.ControlId });
            e.Property(x => x.SendingFacility).HasMaxLength(180);
            e.Property(x => x.ControlId).HasMaxLength(199);
            e.Property(x => x.AckCode).HasMaxLength(2).IsRequired();
            e.Property(x => x.AckText).IsRequired();
            e.HasIndex(x => x.ProcessedAt);
        });
        b.Entity<OutboxMessageRow>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(64).IsRequired();
            e.Property(x => x.Destination).HasMaxLength(2048).IsRequired();
            e.Property(x => x.ContentType).HasMaxLength(128).IsRequired();
            e.Property(x => x.Body).IsRequired();
            e.Property(x => x.LastError).HasMaxLength(2000);
            // The dispatcher's query: undelivered, unparked rows that are due.
            e.HasIndex(x => new { x.DeliveredAt, x.ParkedAt, x.NextAttemptAt });
        });
    }
}
