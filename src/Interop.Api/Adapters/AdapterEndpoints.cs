namespace Interop.Api.Adapters;

/// <summary>Maps the <c>/adapters</c> routes (contracts.md, "Adapters"); every one needs a bearer token.</summary>
public static class AdapterEndpoints
{
    public static IEndpointRouteBuilder MapInteropAdapters(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/adapters").RequireAuthorization().WithTags("Adapters");
        // Every push is audited like a FHIR interaction (architecture, "How a council pushes an assessment").
        group.AddEndpointFilter<Audit.AuditFilter>().WithMetadata(new Fhir.FhirInteractionMetadata(Fhir.FhirInteraction.Transaction));
        group.MapPost("/hospital/hl7v2", AdapterHandlers.PostHl7v2)
            .WithSummary("HL7 v2 ADT/ORU message(s) in (x-application/hl7-v2+er7 or text/plain); the ACK(s) out.");
        group.MapPost("/gp/extract", AdapterHandlers.PostGpExtract)
            .WithSummary("A GP native extract (JSON) in; the transaction-response Bundle out.");
        group.MapPost("/council/assessments", AdapterHandlers.PostCouncilAssessments)
            .WithSummary("Council assessments (text/csv or JSON) in; a batch-response with one entry per row and an OperationOutcome out.");
        return app;
    }
}
