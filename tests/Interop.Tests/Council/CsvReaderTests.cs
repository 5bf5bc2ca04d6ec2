using Interop.Adapters.Council;
using NUnit.Framework;

namespace Interop.Tests.Council;

[TestFixture]
public class CsvReaderTests
{
    private static IReadOnlyList<CsvRecord> Read(string text, List<string>? problems = null) => CsvReader.Read(text, problems ?? []);

    [Test]
    public void Splits_simple_fields_and_records()
    {
        var records = Read("a,b,c\n1,2,3\n");
        Assert.That(records, Has.Count.EqualTo(2));
        Assert.That(records[1].Fields, Is.EqualTo(new[] { "1", "2", "3" }));
    }

    [Test]
    public void Quoted_fields_keep_commas_escaped_quotes_and_line_breaks()
    {
        var records = Read("a,b\r\n\"x, y\",\"she said \"\"hi\"\"\r\nthen left\"\r\nnext,row\r\n");
        Assert.That(records, Has.Count.EqualTo(3));
        Assert.That(records[1].Fields[0], Is.EqualTo("x, y"));
        Assert.That(records[1].Fields[1], Is.EqualTo("she said \"hi\"\r\nthen left"));
        Assert.That(records[2].LineNumber, Is.EqualTo(4), "the embedded line break counts as a physical line");
    }

    [Test]
    public void Byte_order_mark_is_dropped_and_crlf_lf_and_cr_all_end_records()
    {
        var records = Read("\uFEFFa,b\r\n1,2\n3,4\r5,6");
        Assert.That(records.Select(r => string.Join("|", r.Fields)), Is.EqualTo(new[] { "a|b", "1|2", "3|4", "5|6" }));
    }

    [Test]
    public void Empty_fields_and_empty_quoted_fields_are_empty_strings()
    {
        var records = Read("a,b,c\n,\"\",\n");
        Assert.That(records[1].Fields, Is.EqualTo(new[] { "", "", "" }));
    }

    [Test]
    public void Blank_lines_are_skipped()
    {
        var records = Read("a\n\n1\n\n");
        Assert.That(records.Select(r => r.Fields[0]), Is.EqualTo(new[] { "a", "1" }));
    }

    [Test]
    public void Unclosed_quote_and_stray_quote_are_reported_not_thrown()
    {
        var problems = new List<string>();
        Read("a,b\nx\"y,\"open\n", problems);
        Assert.That(problems, Has.Count.EqualTo(2));
        Assert.That(problems[0], Does.Contain("Line 2").And.Contain("double quote"));
        Assert.That(problems[1], Does.Contain("never closed"));
    }
}
