using Microsoft.AspNetCore.Mvc;

namespace Interop.Api.Fhir;

/// <summary>
/// The /fhir route group. Each route names its interaction in metadata; handlers live in
/// <see cref="CrudHandlers"/>, <see cref="HistoryHandlers"/> and friends, one hop from the store.
/// </summary>
public static class FhirEndpoints
{
    public static RouteGroupBuilder MapFhir(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir").WithTags("FHIR");

        fhir.MapGet("/metadata", CapabilityHandlers.Metadata).Is(FhirInteraction.Capabilities)
            .WithSummary("CapabilityStatement generated from what the server supports").AllowAnonymous();

        fhir.MapPost("", TransactionHandlers.Process).Is(FhirInteraction.Transaction)
            .WithSummary("Transaction (all or nothing) or batch Bundle");
        fhir.MapPost("/$import", Import.ImportOperation.Import).Is(FhirInteraction.Operation).WithSummary("Synchronous NDJSON import (application/fhir+ndjson): counts and per-line errors");
        fhir.MapGet("/$verify-ledger", Operations.LedgerOperations.Verify).Is(FhirInteraction.Operation)
            .WithSummary("Recompute the consent ledger's hash chain: valid, entries, head, firstInvalidSequence");
        fhir.MapPost("/$reindex", Operations.ReindexOperation.StartSystem).Is(FhirInteraction.Operation)
            .WithSummary("Operator: queue a background rebuild of the search index (optional Parameters type); 202 with Content-Location");
        fhir.MapGet("/$reindex-status/{id}", Operations.ReindexOperation.Status).Is(FhirInteraction.Operation)
            .WithSummary("Operator: a reindex job's status, processed, total, started and finished as Parameters");
        fhir.MapPost("/Patient/$gpc.getstructuredrecord", Operations.GpConnectOperation.Handle).Is(FhirInteraction.Operation).WithSummary("GP Connect Access Record: Structured over R4: Parameters in, collection Bundle of Lists out");
        fhir.MapPost("/{type}/$reindex", Operations.ReindexOperation.StartType).Is(FhirInteraction.Operation)
            .WithSummary("Operator: queue a background rebuild of one type's search index; 202 with Content-Location");
        fhir.MapPost("/{type}/$validate", Operations.ValidateOperation.Type).Is(FhirInteraction.Operation)
            .WithSummary("Validate a resource against base R4 and our profiles (or ?profile=)");
        fhir.MapPost("/{type}/{id}/$validate", Operations.ValidateOperation.Instance).Is(FhirInteraction.Operation)
            .WithSummary("Validate the stored resource, or the body given for it");
        fhir.MapGet("", SearchHandlers.System).Is(FhirInteraction.SearchSystem)
            .WithSummary("System-level search: _type and the common parameters");
        fhir.MapPost("/_search", SearchHandlers.SystemPost).Is(FhirInteraction.SearchSystem)
            .WithSummary("System-level search with a form body").DisableAntiforgery();
        fhir.MapGet("/{type}", SearchHandlers.Type).Is(FhirInteraction.SearchType)
            .WithSummary("Search a type: every R4 parameter, modifiers, chains, _has, _include, _sort, paging");
        fhir.MapPost("/{type}/_search", SearchHandlers.TypePost).Is(FhirInteraction.SearchType)
            .WithSummary("Search a type with a form body (application/x-www-form-urlencoded)").DisableAntiforgery();
        fhir.MapGet("/_history", HistoryHandlers.System).Is(FhirInteraction.HistorySystem)
            .WithSummary("History of all resources, newest first");

        fhir.MapGet("/Patient/{id}/$summary", Operations.PatientOperations.SummaryById).Is(FhirInteraction.Operation)
            .WithSummary("IPS-shaped summary (document Bundle) of the consented record");
        fhir.MapMethods("/Patient/$summary", ["GET", "POST"], Operations.PatientOperations.SummaryByIdentifier).Is(FhirInteraction.Operation)
            .WithSummary("Summary by identifier=https://fhir.nhs.uk/Id/nhs-number|NNN (or POST Parameters)");
        fhir.MapGet("/Patient/{id}/$everything", Operations.PatientOperations.EverythingById).Is(FhirInteraction.Operation)
            .WithSummary("Everything in the patient compartment the caller may see, paged (_since, _type, _count)");
        fhir.MapGet("/Patient/$everything", Operations.PatientOperations.EverythingForType).Is(FhirInteraction.Operation)
            .WithSummary("$everything for ?patient=id or the patient token's own record");
        fhir.MapPost("/AuditEvent/{id}/$mark-reviewed", Operations.BreakGlassReview.MarkReviewed).Is(FhirInteraction.Operation)
            .WithSummary("Privacy officer: mark a break-glass access as reviewed");
        fhir.MapPost("/{type}", CrudHandlers.Create).Is(FhirInteraction.Create)
            .WithSummary("Create a resource (server-assigned id); If-None-Exist makes it conditional");
        fhir.MapPut("/{type}", CrudHandlers.ConditionalUpdate).Is(FhirInteraction.Update)
            .WithSummary("Conditional update: PUT /fhir/{type}?criteria updates the single match or creates");
        fhir.MapDelete("/{type}", CrudHandlers.ConditionalDelete).Is(FhirInteraction.Delete)
            .WithSummary("Conditional delete of the single match of ?criteria");
        fhir.MapGet("/{type}/{id}", CrudHandlers.Read).Is(FhirInteraction.Read)
            .WithSummary("Read the current version");
        fhir.MapPut("/{type}/{id}", CrudHandlers.Update).Is(FhirInteraction.Update)
            .WithSummary("Update, or create with a client-chosen id; If-Match for optimistic locking");
        fhir.MapPatch("/{type}/{id}", PatchHandlers.Patch).Is(FhirInteraction.Patch)
            .WithSummary("JSON Patch (application/json-patch+json) or FHIRPath Patch (Parameters)");
        fhir.MapPatch("/{type}", PatchHandlers.ConditionalPatch).Is(FhirInteraction.Patch)
            .WithSummary("Conditional patch of the single match of ?criteria");
        fhir.MapDelete("/{type}/{id}", CrudHandlers.Delete).Is(FhirInteraction.Delete)
            .WithSummary("Logical delete: a later read answers 410");
        fhir.MapGet("/{type}/{id}/_history", HistoryHandlers.Instance).Is(FhirInteraction.HistoryInstance)
            .WithSummary("All versions of one resource, newest first");
        fhir.MapGet("/{type}/{id}/_history/{vid}", CrudHandlers.VRead).Is(FhirInteraction.VRead)
            .WithSummary("Read one version");
        fhir.MapGet("/{type}/_history", HistoryHandlers.Type).Is(FhirInteraction.HistoryType)
            .WithSummary("History of all resources of a type, newest first");
        return fhir;
    }

    /// <summary>Attaches the interaction metadata.</summary>
    public static RouteHandlerBuilder Is(this RouteHandlerBuilder builder, FhirInteraction interaction) =>
        builder.WithMetadata(new FhirInteractionMetadata(interaction));
}
