using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Core.Fhir;

namespace Interop.Api.Import;

/// <summary>
/// Turns what the import reads into transactions that are safe to replay. A plain <c>POST</c> creates
/// a new resource every time it runs, so importing the same Synthea bundle twice would duplicate the
/// record. The import therefore writes every entry that has no <c>ifNoneExist</c> as a
/// <c>PUT Type/id</c> (update as create, FHIR R4 http.html#upsert) with an id fixed by the data:
/// <list type="bullet">
/// <item>a <c>POST</c> whose fullUrl is <c>urn:uuid:X</c> gets id <c>X</c> (Synthea and the synthetic
/// generator give every entry a UUID; a UUID is a valid FHIR id), and references to the fullUrl
/// become <c>Type/X</c> as in any transaction;</item>
/// <item>a <c>POST</c> without a usable fullUrl, or a resource without an id (collection Bundles,
/// NDJSON), gets <see cref="ContentId"/>: a hash of its content.</item>
/// </list>
/// Conditional creates (<c>ifNoneExist</c>, e.g. Patients by NHS number and Organizations by ODS
/// code) stay as they are: they match what is already there. A replayed <c>PUT</c> whose content is
/// unchanged makes no new version (ResourceStore), so a rerun changes nothing.
/// </summary>
public static class ImportBundles
{
    /// <summary>The Bundle to process for <paramref name="bundle"/> read from a file (changed in place and returned).</summary>
    public static Bundle ForImport(Bundle bundle)
    {
        if (bundle.Type == Bundle.BundleType.Collection)
        {
            // A collection has no requests: every resource is written as an upsert, all or nothing.
            bundle.Type = Bundle.BundleType.Transaction;
            foreach (var entry in bundle.Entry.Where(e => e.Resource is not null))
                entry.Request = Upsert(entry.Resource!, entry.FullUrl);
            bundle.Entry.RemoveAll(e => e.Resource is null);
            return bundle;
        }
        if (bundle.Type is not (Bundle.BundleType.Transaction or Bundle.BundleType.Batch))
            throw FhirException.BadRequest($"Only transaction, batch and collection Bundles can be imported, not '{bundle.Type}'.", expression: "Bundle.type");
        foreach (var entry in bundle.Entry)
        {
            if (entry.Request is { Method: Bundle.HTTPVerb.POST } request && string.IsNullOrEmpty(request.IfNoneExist) && entry.Resource is not null)
                entry.Request = Upsert(entry.Resource!, entry.FullUrl);
        }
        return bundle;
    }

    /// <summary>A transaction upserting the resources of some NDJSON lines, in line order.</summary>
    public static Bundle FromLines(IEnumerable<NdjsonLine> lines)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var line in lines)
            bundle.Entry.Add(new Bundle.EntryComponent { Resource = line.Resource, Request = Upsert(line.Resource!, null) });
        return bundle;
    }

    private static Bundle.RequestComponent Upsert(Resource resource, string? fullUrl)
    {
        const string uuidPrefix = "urn:uuid:";
        if (fullUrl?.StartsWith(uuidPrefix, StringComparison.Ordinal) == true && IsValidId(fullUrl[uuidPrefix.Length..]))
            resource.Id = fullUrl[uuidPrefix.Length..];
        else if (string.IsNullOrEmpty(resource.Id) || !IsValidId(resource.Id))
            resource.Id = ContentId(resource);
        return new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"{resource.TypeName}/{resource.Id}" };
    }

    /// <summary>
    /// An id derived from the resource's content (its JSON without id and meta, SHA-256, first 32
    /// hex digits): the same resource always gets the same id, so importing it again is an unchanged update.
    /// </summary>
    public static string ContentId(Resource resource)
    {
        var copy = (Resource)resource.DeepCopy();
        copy.Id = null;
        copy.Meta = null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(FhirSerialization.ToJson(copy)));
        return Convert.ToHexStringLower(hash)[..32];
    }

    /// <summary>FHIR R4 id: <c>[A-Za-z0-9\-\.]{1,64}</c> (datatypes.html#id).</summary>
    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
