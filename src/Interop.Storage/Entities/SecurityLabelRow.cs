namespace Interop.Storage.Entities;

/// <summary>One <c>meta.security</c> coding of a resource version, so sensitive classes filter in SQL.</summary>
public sealed class SecurityLabelRow
{
    public long ResourceRowId { get; set; }

    public string System { get; set; } = "";

    public string Code { get; set; } = "";
}
