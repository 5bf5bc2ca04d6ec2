using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Fhir;
using Interop.Core.Known;

namespace Interop.Api.Adapters;

/// <summary>
/// Adapters put the sending organisation (a practice, a council) in their Bundles as a conditional
/// create, but only the operator may create or change Organizations: one carrying an ODS code and
/// a type is a participating-organisation registration (contracts.md). For any other caller each
/// Organization entry is taken out and references to it are pointed at the registered
/// Organization with that ODS code, or, when there is none, made logical references by ODS
/// identifier (FHIR R4 references.html#logical), so nothing registers an organisation by accident.
/// </summary>
public sealed class OrganizationEntryRewriter(ConditionalResolver resolver, RequestContext caller)
{
    public async System.Threading.Tasks.Task RewriteAsync(Bundle transaction, CancellationToken ct)
    {
        if (caller.IsAdministrator) return;
        var replacements = new Dictionary<string, ResourceReference>(StringComparer.Ordinal);
        foreach (var entry in transaction.Entry.ToList())
        {
            if (entry.Resource is not Organization organization || entry.Request?.Method is not (Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PUT)) continue;
            var ods = organization.Identifier.FirstOrDefault(i => i.System == KnownSystems.OdsOrganisationCode && !string.IsNullOrWhiteSpace(i.Value));
            if (ods is null) continue; // left in: the per-entry scope check refuses it with a clear message
            var matches = await resolver.FindAsync("Organization", $"identifier={KnownSystems.OdsOrganisationCode}|{ods.Value}", ct);
            var replacement = matches.Count == 1
                ? new ResourceReference($"Organization/{matches[0]}", organization.Name)
                : new ResourceReference { Identifier = new Identifier(KnownSystems.OdsOrganisationCode, ods.Value), Display = organization.Name };
            if (!string.IsNullOrEmpty(entry.FullUrl)) replacements[entry.FullUrl] = replacement;
            transaction.Entry.Remove(entry);
        }
        if (replacements.Count == 0) return;
        foreach (var resource in transaction.Entry.Select(e => e.Resource).OfType<Resource>())
        {
            foreach (var reference in ReferenceWalker.All(resource).ToList())
            {
                if (reference.Reference is not { } target || !replacements.TryGetValue(target, out var replacement)) continue;
                reference.Reference = replacement.Reference;
                reference.Identifier = replacement.Identifier is null ? null : (Identifier)replacement.Identifier.DeepCopy();
                reference.Display ??= replacement.Display;
            }
        }
    }
}
