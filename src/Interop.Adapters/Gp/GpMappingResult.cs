using Hl7.Fhir.Model;

namespace Interop.Adapters.Gp;

/// <summary>
/// What <see cref="GpExtractMapper"/> produced: a FHIR R4 transaction Bundle, or null when the extract has an
/// error; and every problem found (warnings come with a Bundle too).
/// </summary>
public sealed class GpMappingResult
{
    public GpMappingResult(Bundle? transaction, IReadOnlyList<GpExtractProblem> problems)
    {
        Transaction = transaction;
        Problems = problems;
    }

    public Bundle? Transaction { get; }
    public IReadOnlyList<GpExtractProblem> Problems { get; }
    public bool Succeeded => Transaction is not null;
}
