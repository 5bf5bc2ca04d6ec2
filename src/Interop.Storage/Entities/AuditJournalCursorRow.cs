namespace Interop.Storage.Entities;

/// <summary>
/// How far an audit journal kept in a file of its own (SQLite, docs/decisions/0010-sqlite-audit-journal-file.md)
/// has been stored as AuditEvents: every journal row up to <see cref="StoredThrough"/> is. One row, moved
/// forward in the transaction that stores the AuditEvents, so a row is stored exactly once even though the
/// journal file and the database commit separately. Unused where the journal is the
/// <c>audit_journal</c> table (PostgreSQL, SQL Server), whose rows are deleted as they are stored.
/// </summary>
public sealed class AuditJournalCursorRow
{
    /// <summary>Always <see cref="Single"/>.</summary>
    public int Id { get; set; }

    /// <summary>The highest journal id whose AuditEvents are stored.</summary>
    public long StoredThrough { get; set; }

    /// <summary>The id of the one row.</summary>
    public const int Single = 1;
}
