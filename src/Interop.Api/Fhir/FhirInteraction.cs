namespace Interop.Api.Fhir;

/// <summary>The FHIR RESTful interactions (http.html#summary), attached to each endpoint as metadata
/// so that cross-cutting stages (scopes, consent, audit) know what is being done without parsing URLs.</summary>
public enum FhirInteraction
{
    Capabilities,
    Read,
    VRead,
    Update,
    Patch,
    Delete,
    HistoryInstance,
    HistoryType,
    HistorySystem,
    Create,
    SearchType,
    SearchSystem,
    Transaction,
    Operation,
}

/// <summary>Endpoint metadata naming the interaction.</summary>
public sealed record FhirInteractionMetadata(FhirInteraction Interaction);
