namespace Interop.Storage.Entities;

// Search index rows (architecture decision 2): extracted on write from the R4 search parameter
// definitions, for the current version only, in the same transaction as the version. Every row
// carries the resource type and parameter name so one composite index serves each lookup.
// Composite parameters are stored as component rows in these same tables: ParamName is
// "code$i" for component i and Group numbers the composite entry within the resource, so a query
// "a$b" matches when component 0 and component 1 rows share a Group.

/// <summary>A token value: Coding, CodeableConcept, Identifier, ContactPoint, code, boolean, id.</summary>
public sealed class TokenIndexRow
{
    public long Id { get; set; }
    public long ResourceRowId { get; set; }
    public string ResourceType { get; set; } = "";
    public string ParamName { get; set; } = "";
    /// <summary>For composite component rows: which composite entry of the resource the row belongs to; null otherwise.</summary>
    public int? Group { get; set; }
    public string? System { get; set; }
    public string? Code { get; set; }
    /// <summary>Display/text, normalised, for the <c>:text</c> modifier.</summary>
    public string? Text { get; set; }
    /// <summary>An identifier's <c>type</c> coding, for <c>:of-type</c>.</summary>
    public string? TypeSystem { get; set; }
    public string? TypeCode { get; set; }
}

/// <summary>A string value, normalised (lower case, accents removed) and exact.</summary>
public sealed class StringIndexRow
{
    public long Id { get; set; }
    public long ResourceRowId { get; set; }
    public string ResourceType { get; set; } = "";
    public string ParamName { get; set; } = "";
    /// <summary>For composite component rows: which composite entry of the resource the row belongs to; null otherwise.</summary>
    public int? Group { get; set; }
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
    /// <summary>For composite component rows: which composite entry of the resource the row belongs to; null otherwise.</summary>
    public int? Group { get; set; }
    public long Start { get; set; }
    public long End { get; set; }
}

/// <summary>A number (System, Code and Unit null) or quantity with the range its precision implies.</summary>
public sealed class QuantityIndexRow
{
    public long Id { get; set; }
    public long ResourceRowId { get; set; }
    public string ResourceType { get; set; } = "";
    public string ParamName { get; set; } = "";
    /// <summary>For composite component rows: which composite entry of the resource the row belongs to; null otherwise.</summary>
    public int? Group { get; set; }
    public string? System { get; set; }
    public string? Code { get; set; }
    /// <summary>The human-readable unit (<c>Quantity.unit</c>), which a query's code may also match.</summary>
    public string? Unit { get; set; }
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
    /// <summary>For composite component rows: which composite entry of the resource the row belongs to; null otherwise.</summary>
    public int? Group { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public string? Url { get; set; }
    public string? IdentifierSystem { get; set; }
    public string? IdentifierValue { get; set; }
    /// <summary>A canonical's <c>|version</c>.</summary>
    public string? Version { get; set; }
}

/// <summary>A uri or canonical value.</summary>
public sealed class UriIndexRow
{
    public long Id { get; set; }
    public long ResourceRowId { get; set; }
    public string ResourceType { get; set; } = "";
    public string ParamName { get; set; } = "";
    /// <summary>For composite component rows: which composite entry of the resource the row belongs to; null otherwise.</summary>
    public int? Group { get; set; }
    public string Uri { get; set; } = "";
}
