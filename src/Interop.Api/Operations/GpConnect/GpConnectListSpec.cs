using Hl7.Fhir.Model;

namespace Interop.Api.Operations.GpConnect;

/// <summary>
/// One List of the structured record: its SNOMED code and title, the R4 resource types read for
/// it, which of them belong in it, and (for consultations) how to order and cut the result.
/// </summary>
public sealed record GpConnectListSpec(
    string Code,
    string Title,
    IReadOnlyList<string> Types,
    Func<Resource, bool> Includes,
    Func<IEnumerable<GpConnectItem>, IEnumerable<GpConnectItem>>? Arrange = null);

/// <summary>A stored, visible clinical item: its row (for the audit trail), its JSON as stored and the parsed resource for filtering.</summary>
public sealed record GpConnectItem(long RowId, string Json, Resource Resource);
