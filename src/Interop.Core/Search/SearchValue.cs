namespace Interop.Core.Search;

/// <summary>One parsed value of a criterion (criteria hold an OR list of these).</summary>
public abstract record SearchValue;

/// <summary>A string value, with the same normalisation as <see cref="StringIndexEntry.Normalized"/>; also used for token <c>:text</c>.</summary>
public sealed record StringSearchValue(string Raw, string Normalized) : SearchValue;

/// <summary>How the system part of a token value constrains matches.</summary>
public enum TokenSystemMatch
{
    /// <summary><c>code</c>: any system.</summary>
    Any,
    /// <summary><c>|code</c>: the element must have no system.</summary>
    None,
    /// <summary><c>system|code</c> or <c>system|</c>: this exact system.</summary>
    Exact,
}

/// <summary>
/// A token value. <see cref="Code"/> is null for <c>system|</c> (any code in the system). For
/// <c>:of-type</c> (<c>typeSystem|typeCode|value</c>) the type goes in <see cref="TypeSystem"/>/<see cref="TypeCode"/>
/// and the identifier value in <see cref="Code"/>, with <see cref="SystemMatch"/> <see cref="TokenSystemMatch.Any"/>.
/// </summary>
public sealed record TokenSearchValue(
    TokenSystemMatch SystemMatch, string? System, string? Code, string? TypeSystem = null, string? TypeCode = null) : SearchValue;

/// <summary>A date value: its prefix and the half-open UTC range its precision covers (see <see cref="FhirDateRange"/>).</summary>
public sealed record DateSearchValue(SearchPrefix Prefix, DateTimeOffset Start, DateTimeOffset End, string Raw) : SearchValue;

/// <summary>A number with its prefix and precision range <c>[Low, High)</c> (see <see cref="DecimalPrecision"/>).</summary>
public sealed record NumberSearchValue(SearchPrefix Prefix, decimal Value, decimal Low, decimal High) : SearchValue;

/// <summary>
/// A quantity <c>[prefix]value[|system|code]</c>. With a null <see cref="System"/> and a code, the code
/// matches either the coded unit or the human unit (R4 search 3.1.1.4.10).
/// </summary>
public sealed record QuantitySearchValue(
    SearchPrefix Prefix, decimal Value, decimal Low, decimal High, string? System, string? Code) : SearchValue;

/// <summary>
/// A reference value: <c>Type/id</c> (type and id), a bare <c>id</c> (type null unless the <c>:[Type]</c>
/// modifier or a single-target parameter gives it), or an absolute URL / canonical (<see cref="Url"/>,
/// with <c>|version</c> in <see cref="Version"/>). With <c>:identifier</c> only the identifier parts are set.
/// </summary>
public sealed record ReferenceSearchValue(
    string? TargetType,
    string? TargetId,
    string? Url,
    string? Version = null,
    string? IdentifierSystem = null,
    string? IdentifierValue = null) : SearchValue;

/// <summary>A uri value, matched exactly, or as a prefix with <c>:below</c> / a containing URL with <c>:above</c>.</summary>
public sealed record UriSearchValue(string Uri) : SearchValue;

/// <summary>A composite value <c>a$b</c>: one value per component, in definition order.</summary>
public sealed record CompositeSearchValue(IReadOnlyList<SearchValue> Components) : SearchValue;

/// <summary>A <c>:missing=true|false</c> value.</summary>
public sealed record MissingSearchValue(bool Missing) : SearchValue;
