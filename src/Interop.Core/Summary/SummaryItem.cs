namespace Interop.Core.Summary;

/// <summary>
/// What the summary document shows of one stored resource: the narrative row of its section (item,
/// status, date) and whether it belongs in the document at all. Read from the stored JSON by
/// <see cref="SummaryItemReader.FromJson"/> so a summary does not parse every resource into a POCO;
/// the entry itself is the stored JSON, unchanged.
/// </summary>
/// <param name="ResourceType">The FHIR type; picks the section.</param>
/// <param name="FullUrl">Bundle.entry.fullUrl, which the section's entry reference points at.</param>
/// <param name="Description">The "Item" cell of the section narrative.</param>
/// <param name="Status">The "Status" cell (the code of the status element, as the SDK enum names it, lower case).</param>
/// <param name="When">The "Date" cell (the stored date/dateTime string, unformatted).</param>
/// <param name="InSummary">False for an Observation that is neither laboratory nor vital signs
/// (e.g. a social-care outcome): the Results section leaves it out.</param>
public sealed record SummaryItem(string ResourceType, string FullUrl, string Description, string Status, string When, bool InSummary);
