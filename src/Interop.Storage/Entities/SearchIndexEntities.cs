namespace Interop.Storage.Entities;

// Search index rows (architecture decision 2): extracted on write from the R4 search parameter
// definitions, for the current version only, in the same transaction as the version. Every row
// carries the resource type and parameter name so one composite index serves each lookup.

/// <summary>A token value: Coding, CodeableConcept, Identifier, ContactPoint, code, boolean, id.</summary>
public sealed class TokenIndexRow
{
    public long Id { get; set; }
    public long ResourceRowId { get; set; }
    public string ResourceType { get; set; } = "";
    public string ParamName { get; set; } = "";
    public string? System { get; set; }
    public string? Code { get; set; }
    /// <summary>Display/text, normalised, for the <c>:text</c> modifier.</summary>
    public string? Text { get; set; }
}

/// <summary>A string value, normalised (lower case, accents removed) and exact.</summary>
public sealed class StringIndexRow
{
    public long Id { get; set; }
    public long ResourceRowId { get; set; }
    public string ResourceType { get; set; } = "";
    public string ParamName { get; set; } = "";
    public string Normalized { get; set; } = "";
    public string Exact { get; set; } = "";
}

/// <summary>A date/period as the instant range it covers, in stored microseconds (start inclusive, end exclusive).</summary>
public sealed class DateIndexRow
{
    public long Id { get; set; }
    public long ResourceRowId { get; set; }
    public string ResourceType { get; set; } = "";
    public string ParamName { get; set; } = "";
    public long Start { get; set; }
    public long End { get; set; }
}

/// <summary>A number or quantity with the range its precision implies.</summary>
public sealed class QuantityIndexRow
{
    public long Id { get; set; }
    public long ResourceRowId { get; set; }
    public string ResourceType { get; set; } = "";
    public string ParamName { get; set; } = "";
    public string? System { get; set; }
    public string? Code { get; set; }
    public decimal Value { get; set; }
    public decimal Low { get; set; }
    public decimal High { get; set; }
}

/// <summary>A reference: relative <c>Type/id</c>, absolute URL, or logical identifier.</summary>
public sealed class ReferenceIndexRow
{
    public long Id { get; set; }
    public long ResourceRowId { get; set; }
    public string ResourceType { get; set; } = "";
    public string ParamName { get; set; } = "";
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public string? Url { get; set; }
    public string? IdentifierSystem { get; set; }
    public string? IdentifierValue { get; set; }
}

/// <summary>A uri or canonical value.</summary>
public sealed class UriIndexRow
{
    public long Id { get; set; }
    public long ResourceRowId { get; set; }
    public string ResourceType { get; set; } = "";
    public string ParamName { get; set; } = "";
    public string Uri { get; set; } = "";
}
