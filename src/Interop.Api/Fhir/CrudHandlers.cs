using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Interop.Core.Fhir;
using Interop.Api.Security;
using Interop.Storage;
using Interop.Storage.Consent;
using Microsoft.EntityFrameworkCore;

namespace Interop.Api.Fhir;

/// <summary>create, read, vread, update and delete (FHIR R4 http.html).</summary>
public static class CrudHandlers
{
    public static async Task<IResult> Create(string type, HttpContext http, FhirRequestBody body, ResourceStore store, WriteCommitter committer, ConditionalResolver resolver, AccessGuard guard, WriteValidation validation, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        var resource = await body.ReadResourceAsync(http.Request, ct);
        RequireBodyType(resource, type);
        RequireInOwnCompartment(resource, guard.ConfinedPatient(type, 'c'));
        validation.Check(resource);
        var ifNoneExist = http.Request.Headers["If-None-Exist"].ToString();
        if (string.IsNullOrWhiteSpace(ifNoneExist))
        {
            // Shares a commit with other requests' writes (WriteCommitter); Consents and SearchParameters do not.
            var stored = WriteCommitter.Queues(type)
                ? await committer.CreateAsync(resource, WriteContextFor(http))
                : await store.CreateAsync(resource, WriteContextFor(http), ct);
            return FhirResponse.ForWrite(http.Request, stored, 201, FhirRoutes.BaseUrl(http), $"Created {stored.ResourceType}/{stored.ResourceId}.");
        }

        // Conditional create (http.html#ccreate): the match and the create share one locked transaction,
        // so two racing requests cannot both create; queued with other requests' writes (WriteCommitter)
        // but for Consents and SearchParameters.
        var (created, existing) = WriteCommitter.Queues(type)
            ? await committer.CreateIfNoneExistAsync(resource, ifNoneExist, WriteContextFor(http))
            : await store.InTransactionAsync(async () => await resolver.FindForCreateAsync(type, ifNoneExist, ct) is { } match
                ? ((StoredResource?)null, (string?)match)
                : (await store.StageCreateAsync(resource, WriteContextFor(http), ct), (string?)null), ct);
        if (created is not null)
            return FhirResponse.ForWrite(http.Request, created, 201, FhirRoutes.BaseUrl(http), $"Created {created.ResourceType}/{created.ResourceId}.");
        // The match is returned only when the caller may read it: a conditional create is not a way around consent.
        var visible = guard.Allows(type, 'r') ? await store.ReadAsync(type, existing!, ct, guard.ReadAccessFor(type, 'r')) : null;
        if (visible is null)
            return FhirResponse.Of(Outcomes.Information($"A {type} already matches If-None-Exist; nothing was created."), 200);
        return FhirResponse.ForWrite(http.Request, visible, 200, FhirRoutes.BaseUrl(http), $"{type}/{visible.ResourceId} already matches If-None-Exist; nothing was created.");
    }

    /// <summary>
    /// Conditional update <c>PUT /fhir/{type}?criteria</c> (http.html#cond-update): the match and the write
    /// share one locked transaction, queued with other requests' writes (<see cref="WriteCommitter"/>)
    /// but for Consents and SearchParameters.
    /// </summary>
    public static async Task<IResult> ConditionalUpdate(string type, HttpContext http, FhirRequestBody body, ResourceStore store, WriteCommitter committer, ConditionalResolver resolver, AccessGuard guard, WriteValidation validation, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        var criteria = http.Request.QueryString.Value ?? "";
        var resource = await body.ReadResourceAsync(http.Request, ct);
        RequireBodyType(resource, type);
        RequireInOwnCompartment(resource, guard.ConfinedPatient(type, 'u'));
        validation.Check(resource);
        var context = WriteContextFor(http);
        var ifMatch = FhirRoutes.IfMatchVersion(http.Request);
        async Task<(StoredResource Stored, bool Created)> Write(ResourceStore into, ConditionalResolver find, CancellationToken token)
        {
            var matches = await find.FindAsync(type, criteria, token);
            if (matches.Count > 1)
                throw FhirException.PreconditionFailed($"The criteria '{criteria}' match more than one {type}; be more specific.");
            if (matches.Count == 1)
            {
                // A match the caller may not read is neither overwritten nor named (consent leak suite).
                if (!await guard.MayChangeAsync(into, type, matches[0], token))
                    throw FhirException.PreconditionFailed($"The criteria '{criteria}' match a {type} this request may not update; nothing was changed.");
                if (!string.IsNullOrEmpty(resource.Id) && resource.Id != matches[0])
                    throw FhirException.BadRequest($"The body's id '{resource.Id}' differs from the matching {type}/{matches[0]}.", expression: $"{type}.id");
                resource.Id = matches[0];
                return await into.StageUpdateAsync(resource, ifMatch, context, "PUT", token);
            }
            if (!string.IsNullOrEmpty(resource.Id))
            {
                FhirRoutes.RequireValidId(resource.Id);
                return await into.StageUpdateAsync(resource, null, context, "PUT", token);
            }
            return (await into.StageCreateAsync(resource, context, token), true);
        }
        var (stored, created) = WriteCommitter.Queues(type)
            ? await committer.RunAsync(type, context, Write)
            : await store.InTransactionAsync(() => Write(store, resolver, ct), ct);
        return FhirResponse.ForWrite(http.Request, stored, created ? 201 : 200, FhirRoutes.BaseUrl(http),
            created ? $"Created {type}/{stored.ResourceId}." : $"Updated {type}/{stored.ResourceId} to version {stored.VersionId}.");
    }

    /// <summary>
    /// Conditional delete <c>DELETE /fhir/{type}?criteria</c>, single-match mode (http.html#cdelete), in one
    /// locked transaction with its match, queued as a conditional update is.
    /// </summary>
    public static async Task<IResult> ConditionalDelete(string type, HttpContext http, ResourceStore store, WriteCommitter committer, ConditionalResolver resolver, AccessGuard guard, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        var criteria = http.Request.QueryString.Value ?? "";
        var context = WriteContextFor(http);
        async Task<StoredResource?> Write(ResourceStore into, ConditionalResolver find, CancellationToken token)
        {
            var matches = await find.FindAsync(type, criteria, token);
            if (matches.Count > 1)
                throw FhirException.PreconditionFailed($"The criteria '{criteria}' match more than one {type}; this server deletes one at a time.");
            if (matches.Count == 0) return null;
            // A match the caller may not read answers as no match: deleting it would reach withheld data, naming it would leak it.
            if (!await guard.MayChangeAsync(into, type, matches[0], token)) return null;
            return await into.StageDeleteAsync(type, matches[0], null, context, token);
        }
        var deleted = WriteCommitter.Queues(type)
            ? await committer.RunAsync(type, context, Write)
            : await store.InTransactionAsync(() => Write(store, resolver, ct), ct);
        return deleted is null
            ? FhirResponse.Of(Outcomes.Information($"No {type} matched '{criteria}'; nothing was deleted."), 200)
            : FhirResponse.Of(Outcomes.Information($"Deleted {type}/{deleted.ResourceId}."), 200);
    }

    public static async Task<IResult> Read(string type, string id, ResourceStore store, AccessGuard guard, Audit.AuditScope audit, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        FhirRoutes.RequireValidId(id);
        var access = guard.ReadAccessFor(type, 'r');
        var stored = await store.ReadAsync(type, id, ct, access) ?? throw await NotVisibleAsync(store, type, id, null, access, ct, audit);
        if (stored.IsDeleted) throw Deleted(stored);
        return FhirResponse.Of(stored);
    }

    public static async Task<IResult> VRead(string type, string id, string vid, ResourceStore store, AccessGuard guard, Audit.AuditScope audit, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        FhirRoutes.RequireValidId(id);
        if (!int.TryParse(vid, out var version) || version < 1)
            throw FhirException.NotFound($"{type}/{id} has no version '{vid}'.");
        var access = guard.ReadAccessFor(type, 'r');
        var stored = await store.ReadVersionAsync(type, id, version, ct, access) ?? throw await NotVisibleAsync(store, type, id, version, access, ct, audit);
        if (stored.IsDeleted) throw Deleted(stored);
        return FhirResponse.Of(stored);
    }

    public static async Task<IResult> Update(string type, string id, HttpContext http, FhirRequestBody body, ResourceStore store, WriteCommitter committer, AccessGuard guard, WriteValidation validation, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        FhirRoutes.RequireValidId(id);
        var resource = await body.ReadResourceAsync(http.Request, ct);
        RequireBodyType(resource, type);
        if (string.IsNullOrEmpty(resource.Id))
            throw FhirException.BadRequest($"The body has no id; an update to {type}/{id} needs \"id\": \"{id}\" (http.html#update).", expression: $"{type}.id");
        if (resource.Id != id)
            throw FhirException.BadRequest($"The body's id '{resource.Id}' does not match the URL's id '{id}'.", expression: $"{type}.id");
        RequireInOwnCompartment(resource, guard.ConfinedPatient(type, 'u'));
        // Outside the caller's compartment or withheld by consent: as unknown (never "forbidden", which would confirm it).
        if (!await guard.MayChangeAsync(store, type, id, ct))
            throw FhirException.NotFound($"{type}/{id} is not known.");
        validation.Check(resource);
        var ifMatch = FhirRoutes.IfMatchVersion(http.Request);
        var (stored, created) = WriteCommitter.Queues(type)
            ? await committer.UpdateAsync(resource, ifMatch, WriteContextFor(http))
            : await store.UpdateAsync(resource, ifMatch, WriteContextFor(http), "PUT", ct);
        return FhirResponse.ForWrite(http.Request, stored, created ? 201 : 200, FhirRoutes.BaseUrl(http),
            created ? $"Created {type}/{id}." : $"Updated {type}/{id} to version {stored.VersionId}.");
    }

    public static async Task<IResult> Delete(string type, string id, HttpContext http, ResourceStore store, WriteCommitter committer, AccessGuard guard, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        FhirRoutes.RequireValidId(id);
        if (!await guard.MayChangeAsync(store, type, id, ct))
            throw FhirException.NotFound($"{type}/{id} is not known.");
        var ifMatch = FhirRoutes.IfMatchVersion(http.Request);
        var deleted = WriteCommitter.Queues(type)
            ? await committer.DeleteAsync(type, id, ifMatch, WriteContextFor(http))
            : await store.DeleteAsync(type, id, ifMatch, WriteContextFor(http), ct);
        if (deleted is null) return FhirResponse.Of(Outcomes.Information($"{type}/{id} does not exist or was already deleted; nothing changed."), 200);
        var response = FhirResponse.Of(Outcomes.Information($"Deleted {type}/{id}."), 200);
        response.Headers["ETag"] = deleted.ETag;
        return response;
    }

    /// <summary>A patient-confined caller may only write resources in its own compartment.</summary>
    public static void RequireInOwnCompartment(Resource resource, string? patient)
    {
        if (patient is null) return;
        if (!ResourceIndexer.PatientCompartment(resource).Contains(patient))
            throw FhirException.Forbidden($"A patient token may only write resources in its own record (Patient/{patient}).", FhirErrorCode.InsufficientScope);
    }

    public static void RequireBodyType(Resource resource, string type)
    {
        if (resource.TypeName != type)
            throw FhirException.BadRequest($"The body is a {resource.TypeName} but the URL is for {type}.", expression: "resourceType");
    }

    /// <summary>
    /// The answer for a read that found nothing visible: 403 NO_PATIENT_CONSENT when the patient's
    /// blanket dissent is the reason (break-glass is possible), otherwise 404 (never saying whether
    /// the resource exists but is withheld).
    /// </summary>
    public static async Task<FhirException> NotVisibleAsync(ResourceStore store, string type, string id, int? version, ReadAccess access, CancellationToken ct, Audit.AuditScope? audit = null)
    {
        var notFound = FhirException.NotFound(version is null ? $"{type}/{id} is not known." : $"{type}/{id} has no version {version}.");
        if (access.Consent is null) return notFound;
        var raw = version is { } v ? await store.ReadVersionAsync(type, id, v, ct) : await store.ReadAsync(type, id, ct);
        if (raw is null || raw.IsDeleted) return notFound;
        if (access.ConfinedPatient is not null && await store.ReadAsync(type, id, ct, new ReadAccess(access.ConfinedPatient, null)) is null) return notFound;
        var (dissent, _) = await store.ExplainAsync(raw.RowId, access, ct);
        if (audit is not null)
        {
            // The patient's access log shows refused attempts too.
            var patients = await store.Db.Compartments.AsNoTracking().Where(c => c.ResourceRowId == raw.RowId).Select(c => c.PatientId).ToListAsync(ct);
            audit.Patients.UnionWith(patients);
        }
        return dissent
            ? FhirException.Forbidden("The patient has declined to share their record with other organisations (NO_PATIENT_CONSENT). " +
                "In an emergency, break-glass is possible: purpose_of_use BTG with an X-Break-Glass-Reason header; it is audited and reviewed.",
                FhirErrorCode.NoPatientConsent)
            : notFound;
    }

    public static FhirException Deleted(StoredResource stored)
    {
        var ex = FhirException.Gone($"{stored.ResourceType}/{stored.ResourceId} was deleted.");
        ex.Headers["ETag"] = stored.ETag;
        return ex;
    }

    /// <summary>The custodian of a write is the caller's organisation (filled by the security stage).</summary>
    public static WriteContext WriteContextFor(HttpContext http) =>
        new(http.Items.TryGetValue(WriteContextKey, out var org) ? org as string : null);

    public const string WriteContextKey = "interop.custodian";
}
