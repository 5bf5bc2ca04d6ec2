using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Interop.Adapters.Gp;
using Interop.Api.Fhir;
using Interop.Core.Fhir;
using Interop.Core.Identity;
using Interop.Core.Known;
using Interop.Storage;
using Microsoft.Extensions.Options;

namespace Interop.Api.Adapters;

/// <summary>
/// Pulls a patient's GP record from their practice (<c>Adapters:Gp:Practices:{ods}:BaseUrl</c>)
/// when this instance has not pulled it within <c>Adapters:Gp:Freshness</c>, and stores it through
/// the adapter transaction path as the practice. For <c>$summary</c> and other readers that want
/// current GP data: it never throws for the practice's sake (down, slow, garbage, storage
/// refusing the extract) but returns <see cref="GpRefreshStatus.Stale"/> with a warning, and the
/// caller serves what is stored (architecture decision 9). Only the caller's own cancellation throws.
/// Pull times are remembered per instance (a cache, not a record): a restart pulls again once.
/// </summary>
public sealed class GpRecordRefresher(IServiceScopeFactory scopes, IOptionsMonitor<GpAdapterOptions> options, TimeProvider time, ILogger<GpRecordRefresher> logger)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastPulled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>
    /// Refreshes the GP record of <paramref name="patientIdOrNhsNumber"/> (a Patient logical id, or a
    /// ten-digit NHS number, spaces allowed) if it is stale. The practice is
    /// <paramref name="practiceOdsCode"/> when given, else the stored Patient's managing organisation
    /// or registered GP practice that has a configured BaseUrl. Concurrent calls for one patient share one pull.
    /// </summary>
    public async Task<GpRefreshResult> RefreshIfStaleAsync(string patientIdOrNhsNumber, string? practiceOdsCode = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientIdOrNhsNumber);
        try
        {
            return await RefreshCoreAsync(patientIdOrNhsNumber.Trim(), practiceOdsCode, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Refreshing a GP record failed unexpectedly");
            return new GpRefreshResult(GpRefreshStatus.Stale, null, practiceOdsCode, null,
                Issue(OperationOutcome.IssueType.Exception, "The GP record could not be refreshed because of an internal error; the stored copy is shown."));
        }
    }

    private async Task<GpRefreshResult> RefreshCoreAsync(string patientIdOrNhsNumber, string? practiceOdsCode, CancellationToken ct)
    {
        var configured = options.CurrentValue.Practices.Where(p => !string.IsNullOrWhiteSpace(p.Value.BaseUrl)).Select(p => p.Key).ToList();
        if (configured.Count == 0) return new GpRefreshResult(GpRefreshStatus.NotApplicable, null, null, null, null);

        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ResourceStore>();
        var resolver = scope.ServiceProvider.GetRequiredService<ConditionalResolver>();

        Patient? patient = null;
        string? patientId = null;
        var nhsNumber = NhsNumber.IsValid(patientIdOrNhsNumber) ? NhsNumber.Normalise(patientIdOrNhsNumber) : null;
        if (nhsNumber is not null)
        {
            var matches = await resolver.FindAsync("Patient", $"identifier={KnownSystems.NhsNumber}|{nhsNumber}", ct);
            if (matches.Count == 1) patientId = matches[0];
        }
        else
        {
            patientId = patientIdOrNhsNumber;
        }
        if (patientId is not null && await store.ReadAsync("Patient", patientId, ct) is { Json: { } json })
            patient = FhirSerialization.ParseStored(json) as Patient;
        if (patient is null && nhsNumber is null)
            return NotApplicable(patientId, null, $"There is no Patient/{patientIdOrNhsNumber} to refresh from a GP practice.");
        nhsNumber ??= NhsNumber.Normalise(patient!.Identifier.FirstOrDefault(i => i.System == KnownSystems.NhsNumber)?.Value);
        if (nhsNumber is null || !NhsNumber.IsValid(nhsNumber))
            return NotApplicable(patientId, null, $"Patient/{patientId} has no valid NHS number, so no GP record can be pulled for it.");

        var ods = practiceOdsCode ?? await PracticeOfAsync(patient, store, configured, ct);
        if (ods is null || !configured.Contains(ods, StringComparer.OrdinalIgnoreCase))
            return NotApplicable(patientId, ods, ods is null
                ? "No GP practice with a configured pull endpoint is known for this patient."
                : $"GP practice {ods} has no pull endpoint configured (Adapters:Gp:Practices:{ods}:BaseUrl).");

        var key = $"{ods.ToUpperInvariant()}|{nhsNumber}";
        if (IsFresh(key, out var pulledAt)) return new GpRefreshResult(GpRefreshStatus.Fresh, patientId, ods, pulledAt, null);
        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            // Someone else may have pulled while this call waited.
            if (IsFresh(key, out pulledAt)) return new GpRefreshResult(GpRefreshStatus.Fresh, patientId, ods, pulledAt, null);
            _lastPulled.TryGetValue(key, out var previous);
            return await PullAndStoreAsync(scope.ServiceProvider, key, ods, nhsNumber, patientId, previous == default ? null : previous, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<GpRefreshResult> PullAndStoreAsync(IServiceProvider services, string key, string ods, string nhsNumber, string? patientId,
        DateTimeOffset? previous, CancellationToken ct)
    {
        var since = previous is { } p ? $"pulled at {p:yyyy-MM-dd HH:mm} UTC" : "already stored";
        var pull = await services.GetRequiredService<GpPracticeClient>().PullExtractAsync(ods, nhsNumber, ct);
        if (!pull.Succeeded)
        {
            var type = pull.Failure is GpPullFailure.Timeout ? OperationOutcome.IssueType.Timeout : OperationOutcome.IssueType.Transient;
            return new GpRefreshResult(GpRefreshStatus.Stale, patientId, ods, previous,
                Issue(type, $"The GP record from practice {ods} could not be refreshed ({pull.Failure}: {pull.Detail}); the copy {since} is shown and may be out of date."));
        }
        var mapped = GpExtractMapper.Map(pull.Extract!);
        if (!mapped.Succeeded)
            return new GpRefreshResult(GpRefreshStatus.Stale, patientId, ods, previous,
                Issue(OperationOutcome.IssueType.Invalid, $"Practice {ods} sent an extract that could not be mapped ({string.Join("; ", mapped.Problems.Where(x => x.IsError).Take(3))}); the copy {since} is shown."));
        try
        {
            var http = await AdapterSystemCaller.CreateAsync(services, ods, "gp-pull", requireRegistered: false, ct);
            var written = await services.GetRequiredService<AdapterBundleWriter>().WriteAsync(mapped.Transaction!, $"GP practice {ods}", http, ct);
            var now = time.GetUtcNow();
            _lastPulled[key] = now;
            var storedId = written.LocationOf("Patient")?.Split('/')[1] ?? patientId;
            return new GpRefreshResult(GpRefreshStatus.Refreshed, storedId, ods, now, written.Warnings.FirstOrDefault());
        }
        catch (FhirException e)
        {
            return new GpRefreshResult(GpRefreshStatus.Stale, patientId, ods, previous,
                Issue(OperationOutcome.IssueType.Processing, $"The extract from practice {ods} could not be stored ({e.Outcome.Issue.FirstOrDefault()?.Diagnostics}); the copy {since} is shown."));
        }
    }

    private bool IsFresh(string key, out DateTimeOffset pulledAt) =>
        _lastPulled.TryGetValue(key, out pulledAt) && time.GetUtcNow() - pulledAt < options.CurrentValue.Freshness;

    /// <summary>The ODS code of the patient's managing organisation or GP practice that has a pull endpoint.</summary>
    private static async Task<string?> PracticeOfAsync(Patient? patient, ResourceStore store, IReadOnlyList<string> configured, CancellationToken ct)
    {
        if (patient is null) return configured.Count == 1 ? configured[0] : null;
        foreach (var reference in new[] { patient.ManagingOrganization }.Concat(patient.GeneralPractitioner).OfType<ResourceReference>())
        {
            string? ods = null;
            if (reference.Identifier?.System == KnownSystems.OdsOrganisationCode) ods = reference.Identifier.Value;
            else if (reference.Reference?.StartsWith("Organization/", StringComparison.Ordinal) == true
                     && await store.ReadAsync("Organization", reference.Reference["Organization/".Length..], ct) is { Json: { } json }
                     && FhirSerialization.ParseStored(json) is Organization organization)
                ods = organization.Identifier.FirstOrDefault(i => i.System == KnownSystems.OdsOrganisationCode)?.Value;
            if (ods is not null && configured.Contains(ods, StringComparer.OrdinalIgnoreCase)) return ods;
        }
        return null;
    }

    private static GpRefreshResult NotApplicable(string? patientId, string? ods, string message) =>
        new(GpRefreshStatus.NotApplicable, patientId, ods, null, new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Information,
            Code = OperationOutcome.IssueType.Informational,
            Diagnostics = message,
        });

    private static OperationOutcome.IssueComponent Issue(OperationOutcome.IssueType type, string message) => new()
    {
        Severity = OperationOutcome.IssueSeverity.Warning,
        Code = type,
        Diagnostics = message,
    };
}
