namespace Interop.Storage;

/// <summary>Who is writing: the custodian organisation recorded on each version.</summary>
public sealed record WriteContext(string? Custodian)
{
    public static readonly WriteContext System = new((string?)null);
}
