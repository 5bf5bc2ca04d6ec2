namespace Interop.Storage.Entities;

/// <summary>A patient's view waiting to be stored as an AuditEvent, in either of its two tables (decision 0008).</summary>
public interface IWaitingViewRow
{
    long Id { get; }

    string PatientId { get; }

    string Json { get; }
}
