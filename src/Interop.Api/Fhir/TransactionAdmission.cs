namespace Interop.Api.Fhir;

/// <summary>
/// How many <c>POST /fhir</c> Bundles are read and processed at once (one per core). Their writes
/// queue for one write lock anyway (decision 0002); letting every waiting request parse its Bundle
/// meanwhile only takes CPU from the transaction that holds the lock, which sets the pace of them
/// all, and keeps every parsed Bundle in memory while it waits. Those over the limit wait here,
/// with their body received but not parsed, without holding a thread. A slot is held through the
/// whole Bundle, so slow searches in batch Bundles also make the next Bundles wait.
/// </summary>
public sealed class TransactionAdmission
{
    private readonly SemaphoreSlim _slots = new(Limit, Limit);

    /// <summary>Bundles in progress at once: one per core, so one can hold the lock while the next is prepared.</summary>
    public static int Limit => Math.Max(2, Environment.ProcessorCount);

    /// <summary>Waits for a slot; disposing the result frees it.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken ct) =>
        await Interop.Core.Threading.SemaphoreLease.EnterAsync(_slots, ct);
}
