using System.Text;

namespace Interop.Adapters.Council;

/// <summary>
/// A small RFC 4180 reader: comma-separated fields, fields optionally enclosed in double quotes, a
/// doubled quote inside a quoted field is one quote, and quoted fields may hold commas and line
/// breaks. CRLF, LF and a lone CR all end a record; a leading UTF-8 byte-order mark is ignored;
/// blank lines are skipped (RFC 4180 does not allow them, but spreadsheet exports often end with one).
/// </summary>
public static class CsvReader
{
    /// <summary>Reads every record. Malformed quoting is reported in <paramref name="problems"/>, never thrown.</summary>
    public static IReadOnlyList<CsvRecord> Read(string text, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var fieldWasQuoted = false;
        var recordHasContent = false;
        var start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;

        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            fieldWasQuoted = false;
        }

        void EndRecord()
        {
            EndField();
            // A record made of one empty, unquoted field is a blank line.
            if (recordHasContent) records.Add(new CsvRecord(recordLine, fields.ToArray()));
            fields.Clear();
            recordHasContent = false;
        }

        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n'))) line++;
                    field.Append(c);
                }
                continue;
            }

            switch (c)
            {
                case ',':
                    recordHasContent = true;
                    EndField();
                    break;
                case '"' when field.Length == 0 && !fieldWasQuoted:
                    inQuotes = true;
                    fieldWasQuoted = true;
                    recordHasContent = true;
                    break;
                case '"':
                    // RFC 4180 section 2 rule 5: a quote may only appear inside a quoted field. Keep it, but say so.
                    problems.Add($"Line {line}: a double quote inside an unquoted field (or after a closing quote); the field should be quoted and the quote doubled.");
                    field.Append(c);
                    break;
                case '\r':
                case '\n':
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                    EndRecord();
                    line++;
                    recordLine = line;
                    break;
                default:
                    if (fieldWasQuoted)
                    {
                        problems.Add($"Line {line}: text after the closing quote of a field.");
                        fieldWasQuoted = false; // report once per field
                    }
                    field.Append(c);
                    recordHasContent = true;
                    break;
            }
        }

        if (inQuotes) problems.Add($"Line {recordLine}: a quoted field is never closed.");
        if (recordHasContent || field.Length > 0 || fields.Count > 0)
        {
            recordHasContent = true;
            EndRecord();
        }
        return records;
    }
}
