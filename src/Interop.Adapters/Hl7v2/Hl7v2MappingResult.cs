using Hl7.Fhir.Model;

namespace Interop.Adapters.Hl7v2;

/// <summary>
/// What <see cref="Hl7v2ToFhirMapper"/> made of one message. <see cref="Transaction"/> is null
/// whenever <see cref="AckCode"/> is not AA: a message is stored whole or not at all.
/// </summary>
public sealed record Hl7v2MappingResult
{
    /// <summary>FHIR R4 transaction to store; null when the message had errors or nothing to store.</summary>
    public Bundle? Transaction { get; init; }

    /// <summary>Every parse and mapping problem, errors and warnings alike.</summary>
    public IReadOnlyList<Hl7v2Problem> Problems { get; init; } = [];

    /// <summary>ADT^A40 merge instructions for storage, one per PID/MRG pair (empty for other messages).</summary>
    public IReadOnlyList<Hl7v2Merge> Merges { get; init; } = [];

    /// <summary>MSH-9.1, e.g. <c>ADT</c>.</summary>
    public string? MessageType { get; init; }

    /// <summary>MSH-9.2, e.g. <c>A01</c>.</summary>
    public string? TriggerEvent { get; init; }

    /// <summary>MSH-10, for de-duplication and MSA-2.</summary>
    public string? ControlId { get; init; }

    /// <summary>MSH-3.1.</summary>
    public string? SendingApplication { get; init; }

    /// <summary>MSH-4.1 (usually the trust's ODS code).</summary>
    public string? SendingFacility { get; init; }

    /// <summary>MSH-12.1.</summary>
    public string? Version { get; init; }

    /// <summary>MSH-11.1 processing id (P, T, D).</summary>
    public string? ProcessingId { get; init; }

    /// <summary>AR when a problem rejects the message, AE when any problem is an error, else AA.</summary>
    public Hl7v2AckCode AckCode => Hl7v2AckBuilder.DecideAckCode(Problems);
}
