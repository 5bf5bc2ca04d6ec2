using Hl7.Fhir.Model;

namespace Interop.Core.Identity;

/// <summary>A stored Patient (its id and content) that an incoming record might belong to.</summary>
public sealed record PatientCandidate(string Id, Patient Patient);
