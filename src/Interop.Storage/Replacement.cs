using Hl7.Fhir.Model;

namespace Interop.Storage;

/// <summary>
/// An update of <see cref="Resource"/> (under <see cref="Type"/>/<see cref="Id"/>), or with no resource
/// a delete of <see cref="Type"/>/<see cref="Id"/>, for <see cref="ResourceStore.StageReplacementsAsync"/>.
/// <see cref="IfMatch"/>: the version the caller expects to be current (412 otherwise).
/// </summary>
public sealed record Replacement(string Type, string Id, Resource? Resource, int? IfMatch, WriteContext Context, string Method = "PUT");

/// <summary>
/// What became of a <see cref="Replacement"/>: for an update the version now current (a new one, or the
/// one that already had this content) and whether it created the resource; for a delete the delete
/// marker, or null when there was nothing to delete; or the error that refused it (nothing written).
/// </summary>
public readonly record struct ReplacementOutcome(StoredResource? Stored, bool Created, Exception? Error);
