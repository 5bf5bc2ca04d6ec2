using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Storage.Consent;
using Microsoft.Extensions.Options;

namespace Interop.Api.Audit;

/// <summary>
/// Turns one finished (or refused) request into its <see cref="AuditEntry"/> and waits until the
/// audit journal holds it durably (<see cref="AuditWriter"/>), before the response is sent. The
/// AuditEvents (the full event and one view per patient concerned, <see cref="AuditEventBuilder"/>)
/// are built from the journal by <see cref="AuditMaterializer"/> shortly afterwards, off the
/// request's path. Called by <see cref="AuditFilter"/> for answers and by the exception handler for
/// refusals, so denials and failures are audited like successes.
/// </summary>
public sealed class AuditRecorder(AuditWriter writer, RequestContext who, AuditScope scope, IOptions<ConsentOptions> consent)
{
    public async Task RecordAsync(HttpContext http, int status, FhirResponse? response, string? note = null)
    {
        if (!consent.Value.Enforce || scope.Written) return; // Consent:Enforce=false is the benchmark-only switch
        var interaction = http.GetEndpoint()?.Metadata.GetMetadata<FhirInteractionMetadata>()?.Interaction;
        if (interaction == FhirInteraction.Capabilities) return;
        if (!http.Request.Path.StartsWithSegments("/fhir") && !http.Request.Path.StartsWithSegments("/adapters")) return;
        scope.Written = true;

        var rows = (response?.ReleasedRows ?? []).Concat(scope.ReleasedRows).Distinct().ToArray();
        var patients = new HashSet<string>(scope.Patients, StringComparer.Ordinal);
        if (http.GetRouteValue("type") as string == "Patient" && http.GetRouteValue("id") is string pid) patients.Add(pid);
        var entry = AuditEntry.Of(http, who, interaction, status, DateTimeOffset.UtcNow, rows, patients, note ?? scope.Note);
        await writer.WriteAsync(entry);
    }
}

/// <summary>Endpoint filter on /fhir: audits each answer before it is written to the client.</summary>
public sealed class AuditFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        var http = invocation.HttpContext;
        var recorder = http.RequestServices.GetRequiredService<AuditRecorder>();
        if (result is FhirResponse fhir) await recorder.RecordAsync(http, fhir.StatusCode, fhir);
        else await recorder.RecordAsync(http, 200, null);
        return result;
    }
}
