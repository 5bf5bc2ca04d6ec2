using Hl7.Fhir.Model;
using Interop.Core.Search;
using Interop.Storage.Entities;

namespace Interop.Storage;

/// <summary>
/// Derives the rows stored beside a resource version: its patient compartment(s), its security
/// labels and its search index rows, all written in the same transaction as the version. The
/// search entries are extracted once (<see cref="SearchIndexer.Extract(Resource)"/>) and serve both
/// the index rows and the compartment key.
/// </summary>
public sealed partial class ResourceIndexer(SearchIndexer indexer)
{
    /// <summary>The extractor (and through it the registry, custom parameters included) this indexer uses.</summary>
    public SearchIndexer Indexer => indexer;

    public void Populate(ResourceVersionRow row, Resource resource)
    {
        var entries = indexer.Extract(resource);
        foreach (var patientId in CompartmentResolver.PatientIds(resource.TypeName, resource.Id, entries))
            row.Compartments.Add(new CompartmentRow { PatientId = patientId, ResourceType = resource.TypeName });
        foreach (var label in resource.Meta?.Security ?? [])
        {
            if (string.IsNullOrEmpty(label.Code)) continue;
            if (row.SecurityLabels.Any(l => l.System == (label.System ?? "") && l.Code == label.Code)) continue;
            row.SecurityLabels.Add(new SecurityLabelRow { System = label.System ?? "", Code = label.Code, ResourceType = resource.TypeName });
        }
        PopulateSearchIndex(row, entries);
    }

    /// <summary>
    /// Throws 422 listing every problem unless <paramref name="parameter"/> could be registered as a
    /// custom parameter. A write checks here inside its transaction and registers with
    /// <see cref="Register"/> only after the commit, so a rolled-back write leaves the registry as it
    /// was. <paramref name="pendingUrls"/>: canonical URLs checked earlier in the same transaction.
    /// </summary>
    public void RequireRegistrable(SearchParameter parameter, IReadOnlyCollection<string>? pendingUrls = null)
    {
        if (parameter.Status == PublicationStatus.Retired) return;
        ThrowIfAny(indexer.Registry.Check(parameter, pendingUrls));
    }

    /// <summary>
    /// A stored SearchParameter (not retired) becomes a custom parameter, so writes from now on index
    /// it; one the registry cannot use is refused with 422 listing every problem. Resources stored
    /// earlier need a reindex. Registering the same definition again changes nothing.
    /// </summary>
    public void Register(SearchParameter parameter)
    {
        if (parameter.Status == PublicationStatus.Retired) return;
        ThrowIfAny(indexer.Registry.AddCustom(parameter));
    }

    /// <summary>
    /// Replaces the index rows of <paramref name="row"/> (a current, stored version) with those the
    /// registry gives now: what <c>$reindex</c> does for each row. The caller saves; the old rows must
    /// already be deleted (<see cref="SearchIndexRows"/>).
    /// </summary>
    public void RebuildSearchIndex(ResourceVersionRow row, Resource resource) =>
        PopulateSearchIndex(row, indexer.Extract(resource));

    private static void ThrowIfAny(IReadOnlyList<string> problems)
    {
        if (problems.Count == 0) return;
        var outcome = new OperationOutcome();
        foreach (var problem in problems)
            outcome.Issue.Add(Interop.Core.Fhir.Outcomes.Issue(OperationOutcome.IssueType.Invalid, problem, Interop.Core.Fhir.FhirErrorCode.ProfileViolation, "SearchParameter"));
        throw Interop.Core.Fhir.FhirException.Unprocessable(outcome);
    }
}
