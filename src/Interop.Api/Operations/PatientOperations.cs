using Hl7.Fhir.Model;
using Interop.Api.Audit;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Fhir;
using Interop.Core.Identity;
using Interop.Core.Known;
using Interop.Core.Summary;
using Interop.Storage;
using Interop.Storage.Consent;
using Interop.Storage.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Interop.Api.Operations;

/// <summary>
/// <c>$summary</c> (IPS-shaped document of the consented record) and <c>$everything</c> (the
/// patient compartment the caller may see, paged). Both read only through
/// <see cref="ResourceStore.Visible"/>, so consent applies exactly as for search.
/// </summary>
public static class PatientOperations
{
    public static async Task<IResult> SummaryById(string id, HttpContext http, ResourceStore store, AccessGuard guard, AuditScope audit, [Microsoft.AspNetCore.Mvc.FromServices] IGpRecordRefresh? refresher, CancellationToken ct)
    {
        FhirRoutes.RequireValidId(id);
        return await SummaryAsync(id, http, store, guard, audit, refresher, ct);
    }

    public static async Task<IResult> SummaryByIdentifier(HttpContext http, FhirRequestBody body, ResourceStore store, ConditionalResolver resolver, AccessGuard guard, AuditScope audit, [Microsoft.AspNetCore.Mvc.FromServices] IGpRecordRefresh? refresher, CancellationToken ct)
    {
        var identifier = http.Request.Query["identifier"].ToString();
        if (HttpMethods.IsPost(http.Request.Method) && (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0))
        {
            if (await body.ReadResourceAsync(http.Request, ct) is not Parameters p)
                throw FhirException.BadRequest("POST $summary takes a Parameters body with an 'identifier' parameter.");
            identifier = p.Parameter.FirstOrDefault(x => x.Name == "identifier")?.Value switch
            {
                Identifier i => $"{i.System}|{i.Value}",
                PrimitiveType t => t.ToString() ?? "",
                _ => identifier,
            };
        }
        if (string.IsNullOrWhiteSpace(identifier))
            throw FhirException.BadRequest("Patient/$summary needs identifier=https://fhir.nhs.uk/Id/nhs-number|NNNNNNNNNN (or use Patient/{id}/$summary).", FhirErrorCode.InvalidParameter, "identifier");
        var id = await ResolveByIdentifierAsync(resolver, identifier, ct);
        // The match is found unrestricted; one the caller may not see answers exactly as no match, never naming its id.
        if (await store.ReadAsync("Patient", id, ct, guard.ReadAccessFor("Patient", 'r')) is null)
            throw new FhirException(404, Outcomes.Single(OperationOutcome.IssueType.NotFound, $"No patient has the identifier {identifier}.", FhirErrorCode.PatientNotFound));
        return await SummaryAsync(id, http, store, guard, audit, refresher, ct);
    }

    /// <summary>Finds the one Patient with an identifier <c>system|value</c>; an NHS number is checked first (400 when invalid).</summary>
    public static async Task<string> ResolveByIdentifierAsync(ConditionalResolver resolver, string identifier, CancellationToken ct)
    {
        var bar = identifier.IndexOf('|');
        var system = bar < 0 ? null : identifier[..bar];
        var value = bar < 0 ? identifier : identifier[(bar + 1)..];
        if ((system is null || system == KnownSystems.NhsNumber) && !NhsNumber.IsValid(value))
        {
            if (system == KnownSystems.NhsNumber || value.Replace(" ", "").All(char.IsAsciiDigit))
                throw FhirException.BadRequest(NhsNumber.Explain(value), FhirErrorCode.InvalidNhsNumber, "identifier");
        }
        var normalised = system == KnownSystems.NhsNumber ? NhsNumber.Normalise(value) : value;
        var ids = await resolver.FindAsync("Patient", $"identifier={Uri.EscapeDataString(system is null ? "" : system + "|")}{Uri.EscapeDataString(normalised ?? "")}", ct);
        if (ids.Count == 0)
            throw new FhirException(404, Outcomes.Single(OperationOutcome.IssueType.NotFound, $"No patient has the identifier {identifier}.", FhirErrorCode.PatientNotFound));
        if (ids.Count > 1)
            throw FhirException.PreconditionFailed($"More than one patient has the identifier {identifier}; the records need reconciling.");
        return ids[0];
    }

    private static async Task<(StoredResource Patient, ReadAccess Access)> OpenRecordAsync(string id, ResourceStore store, AccessGuard guard, AuditScope audit, CancellationToken ct)
    {
        guard.Require("Patient", 'r');
        var access = guard.ReadAccessFor("Patient", 'r');
        audit.Patients.Add(id);
        var patient = await store.ReadAsync("Patient", id, ct, access);
        if (patient is null || patient.IsDeleted)
            throw new FhirException(404, Outcomes.Single(OperationOutcome.IssueType.NotFound, $"Patient/{id} is not known.", FhirErrorCode.PatientNotFound));
        if (access.Consent is { PatientCaller: false, BreakGlass: false } consent
            && await ConsentFilter.BlanketDissent(store.Db, id, consent).AnyAsync(ct))
        {
            throw FhirException.Forbidden("The patient has declined to share their record with other organisations (NO_PATIENT_CONSENT). " +
                "In an emergency, break-glass is possible: purpose_of_use BTG with an X-Break-Glass-Reason header; it is audited and reviewed.",
                FhirErrorCode.NoPatientConsent);
        }
        return (patient, access);
    }

    private static async Task<IResult> SummaryAsync(string id, HttpContext http, ResourceStore store, AccessGuard guard, AuditScope audit, [Microsoft.AspNetCore.Mvc.FromServices] IGpRecordRefresh? refresher, CancellationToken ct)
    {
        string? staleness = null;
        if (refresher is not null) staleness = await refresher.RefreshAsync(id, ct);
        var (patientRow, access) = await OpenRecordAsync(id, store, guard, audit, ct);
        var types = SummarySection.AllTypes.Where(t => guard.Allows(t, 'r')).ToArray();

        // One query for the compartment's rows with whether consent could withhold each; the predicate
        // runs only on those that could, and says which sections lost items (ConsentFilter.ReadCompartmentAsync).
        var read = await ConsentFilter.ReadCompartmentAsync(store.Db, access, id, types, ct);
        var withheldSections = SummarySection.All.Where(s => s.ResourceTypes.Any(read.WithheldTypes.Contains)).Select(s => s.Title).ToHashSet();

        var baseUrl = FhirRoutes.BaseUrl(http);
        var rows = read.Visible.ToDictionary(r => $"{baseUrl}/{r.ResourceType}/{r.ResourceId}");
        // The narrative needs a few elements of each item, read from the stored JSON; the entries are that JSON as stored.
        var items = rows.Select(r => SummaryItemReader.FromJson(r.Value.ResourceType, r.Key, r.Value.Json)).ToList();
        var composition = SummaryComposer.Compose(new SummaryComposer.Input(SummaryItemReader.PatientNameFromJson(patientRow.Json!), $"{baseUrl}/Patient/{id}",
            items, withheldSections, DateTimeOffset.UtcNow, staleness), out var ordered);

        var document = new BundleDocument { Type = Bundle.BundleType.Document, Identifier = new Identifier("urn:ietf:rfc:3986", $"urn:uuid:{Guid.NewGuid()}") };
        document.Entries.Add(new BundleEntry { FullUrl = $"urn:uuid:{composition.Id}", Resource = composition });
        document.Entries.Add(new BundleEntry { FullUrl = $"{baseUrl}/Patient/{id}", Json = patientRow.Json, RowId = patientRow.RowId });
        foreach (var item in ordered)
            document.Entries.Add(new BundleEntry { FullUrl = item.FullUrl, Json = rows[item.FullUrl].Json, RowId = rows[item.FullUrl].Id });
        var warnings = new OperationOutcome();
        if (withheldSections.Count > 0)
            warnings.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Suppressed,
                $"Items were withheld from: {string.Join(", ", withheldSections.Order())} (patient preferences or sensitivity). The summary may be incomplete.",
                severity: OperationOutcome.IssueSeverity.Warning));
        if (staleness is not null)
            warnings.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Incomplete, staleness, severity: OperationOutcome.IssueSeverity.Warning));
        if (warnings.Issue.Count > 0)
            document.Entries.Add(new BundleEntry { FullUrl = $"urn:uuid:{Guid.NewGuid()}", Resource = warnings });
        return FhirResponse.Of(document);
    }

    public static async Task<IResult> EverythingById(string id, HttpContext http, ResourceStore store, AccessGuard guard, AuditScope audit, RequestContext who,
        PageTokenCodec pages, IOptions<FhirOptions> options, CancellationToken ct)
    {
        FhirRoutes.RequireValidId(id);
        return await EverythingAsync(id, http, store, guard, audit, who, pages, options.Value, ct);
    }

    /// <summary>Type-level <c>Patient/$everything</c>: the caller's own record (patient token) or <c>?patient=id</c>.</summary>
    public static async Task<IResult> EverythingForType(HttpContext http, ResourceStore store, AccessGuard guard, AuditScope audit, RequestContext who,
        PageTokenCodec pages, IOptions<FhirOptions> options, CancellationToken ct)
    {
        var id = http.Request.Query["patient"].ToString();
        if (string.IsNullOrEmpty(id)) id = who.PatientId ?? "";
        if (string.IsNullOrEmpty(id))
            throw FhirException.BadRequest("Patient/$everything at type level needs ?patient=id (or a patient token).", FhirErrorCode.InvalidParameter, "patient");
        FhirRoutes.RequireValidId(id);
        return await EverythingAsync(id, http, store, guard, audit, who, pages, options.Value, ct);
    }

    private static async Task<IResult> EverythingAsync(string id, HttpContext http, ResourceStore store, AccessGuard guard, AuditScope audit, RequestContext who,
        PageTokenCodec pages, FhirOptions options, CancellationToken ct)
    {
        var (_, access) = await OpenRecordAsync(id, store, guard, audit, ct);
        var request = http.Request;
        var count = FhirRoutes.PageSize(request, options);
        var typeFilter = request.Query["_type"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var t in typeFilter) FhirRoutes.RequireKnownType(t);
        // The access log is about the record, not part of it, and grows with every read (these pages
        // included): AuditEvents come only when _type names them; AuditEvent?patient= is the way to it.
        var allowed = (typeFilter.Length > 0 ? typeFilter : ModelInfo.SupportedResources.Where(t => t != "AuditEvent").ToArray())
            .Where(t => guard.Allows(t, 'r')).ToArray();
        long? since = null;
        var sinceRaw = request.Query["_since"].ToString();
        if (sinceRaw.Length > 0)
        {
            if (!DateTimeOffset.TryParse(sinceRaw, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var s))
                throw FhirException.BadRequest($"_since '{sinceRaw}' is not an instant.", expression: "_since");
            since = Instants.ToStored(s);
        }
        // The cursor holds the last row id and the first page's instant, bound to the caller and the
        // query (PageCursors). Every page is itself audited into this compartment (the patient's view of
        // the access), so AuditEvents recorded after the first page are left out of the rest of the
        // pass; otherwise paging would chase its own audit trail.
        var query = $"_count={count}" + (typeFilter.Length > 0 ? $"&_type={string.Join(',', typeFilter)}" : "") + (sinceRaw.Length > 0 ? $"&_since={Uri.EscapeDataString(sinceRaw)}" : "");
        var binding = PageCursors.Binding(who, $"Patient/{id}/$everything", query);
        long after = 0;
        var audited = Instants.ToStored(DateTimeOffset.UtcNow);
        var page = request.Query["_page"].ToString();
        if (page.Length > 0) (after, audited) = PageCursors.Read(pages, page, binding);

        IQueryable<Storage.Entities.ResourceVersionRow> Compartment(IQueryable<Storage.Entities.ResourceVersionRow> q)
        {
            // The compartment index is read by type: without _type all but the access log, so the walk does
            // not visit the patient's AuditEvents (every access adds one) only to drop them; with _type
            // only the types named (and reachable).
            q = (typeFilter.Length == 0 ? q.InPatientCompartmentExcept(store.Db, id, "AuditEvent") : q.InPatientCompartmentOfRequestedTypes(store.Db, id, allowed))
                .Where(r => r.IsCurrent && !r.IsDeleted && allowed.Contains(r.ResourceType)
                && (r.ResourceType != "AuditEvent" || r.LastUpdated <= audited));
            return since is { } s ? q.Where(r => r.LastUpdated >= s) : q;
        }
        // Keyset paging on the row id, re-checked against consent on every page: a page link grants nothing.
        var rows = await Compartment(store.Visible(access)).Where(r => r.Id > after).OrderBy(r => r.Id)
            .Take(count + 1).Select(r => new { r.Id, r.ResourceType, r.ResourceId, r.Json }).ToListAsync(ct);
        var baseUrl = FhirRoutes.BaseUrl(http);
        var bundle = new BundleDocument { Type = Bundle.BundleType.Searchset };
        bundle.Links.Add(("self", $"{baseUrl}/Patient/{id}/$everything?{query}" + (page.Length > 0 ? $"&_page={Uri.EscapeDataString(page)}" : "")));
        foreach (var r in rows.Take(count))
            bundle.Entries.Add(new BundleEntry { FullUrl = $"{baseUrl}/{r.ResourceType}/{r.ResourceId}", Json = r.Json, RowId = r.Id, SearchMode = Bundle.SearchEntryMode.Match });
        if (rows.Count > count)
            bundle.Links.Add(("next", $"{baseUrl}/Patient/{id}/$everything?{query}&_page={Uri.EscapeDataString(PageCursors.Issue(pages, rows[count - 1].Id, audited, binding))}"));
        if (access.Consent is not null && await Compartment(store.Db.Resources.AsNoTracking()).Except(Compartment(store.Visible(access))).AnyAsync(ct))
        {
            bundle.Entries.Add(new BundleEntry
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = Outcomes.Single(OperationOutcome.IssueType.Suppressed,
                    "Some of this record was withheld (patient preferences or sensitivity); it may be incomplete.", severity: OperationOutcome.IssueSeverity.Warning),
                SearchMode = Bundle.SearchEntryMode.Outcome,
            });
        }
        return FhirResponse.Of(bundle);
    }
}

/// <summary>
/// Refreshes a patient's GP record from the practice system before a summary when the stored copy
/// is stale; returns a warning naming the copy's age when the practice could not be reached. The
/// GP adapter provides it when practices are configured.
/// </summary>
public interface IGpRecordRefresh
{
    Task<string?> RefreshAsync(string patientId, CancellationToken ct);
}
