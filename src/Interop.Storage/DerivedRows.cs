using Interop.Storage.Entities;

namespace Interop.Storage;

/// <summary>
/// The rows derived from one resource version (compartments, security labels, search index rows),
/// taken off the version before Entity Framework sees it so <see cref="DerivedRowWriter"/> can insert
/// them in bulk once the version has its key.
/// </summary>
internal sealed class DerivedRows
{
    private DerivedRows(ResourceVersionRow row)
    {
        Row = row;
        Compartments = row.Compartments;
        SecurityLabels = row.SecurityLabels;
        Tokens = row.Tokens;
        Strings = row.Strings;
        Dates = row.Dates;
        Quantities = row.Quantities;
        References = row.References;
        Uris = row.Uris;
    }

    public ResourceVersionRow Row { get; }
    public List<CompartmentRow> Compartments { get; }
    public List<SecurityLabelRow> SecurityLabels { get; }
    public List<TokenIndexRow> Tokens { get; }
    public List<StringIndexRow> Strings { get; }
    public List<DateIndexRow> Dates { get; }
    public List<QuantityIndexRow> Quantities { get; }
    public List<ReferenceIndexRow> References { get; }
    public List<UriIndexRow> Uris { get; }

    /// <summary>Moves the derived rows of <paramref name="row"/> into a new holder and leaves the row's lists empty.</summary>
    public static DerivedRows Detach(ResourceVersionRow row)
    {
        var derived = new DerivedRows(row);
        row.Compartments = [];
        row.SecurityLabels = [];
        row.Tokens = [];
        row.Strings = [];
        row.Dates = [];
        row.Quantities = [];
        row.References = [];
        row.Uris = [];
        return derived;
    }

    /// <summary>Points every derived row at the version's key, known once the version is saved (and gives compartment and label rows the version's type).</summary>
    public void AssignRowId()
    {
        var id = Row.Id;
        foreach (var x in Compartments) (x.ResourceRowId, x.ResourceType) = (id, Row.ResourceType);
        foreach (var x in SecurityLabels) (x.ResourceRowId, x.ResourceType) = (id, Row.ResourceType);
        foreach (var x in Tokens) x.ResourceRowId = id;
        foreach (var x in Strings) x.ResourceRowId = id;
        foreach (var x in Dates) x.ResourceRowId = id;
        foreach (var x in Quantities) x.ResourceRowId = id;
        foreach (var x in References) x.ResourceRowId = id;
        foreach (var x in Uris) x.ResourceRowId = id;
    }
}
