using System.Text;
using Interop.Adapters.Hl7v2;
using NUnit.Framework;

namespace Interop.Tests.Hl7v2;

[TestFixture]
public class Hl7v2ParserTests
{
    private readonly Hl7v2Parser _parser = new();

    private const string Adt = "MSH|^~\\&|PAS|RR8|TIE|RR8|20240315101500||ADT^A01^ADT_A01|CTRL1|P|2.4\r" +
        "EVN|A01|20240315101500\r" +
        "PID|1||RR81^^^RR8^MR~9990000018^^^NHS^NH||SMITH^Anne^B^^Mrs||19800101|F\r" +
        "PV1|1|I|WARD1^BED2^^RR8\r";

    [TestCase("\r")]
    [TestCase("\n")]
    [TestCase("\r\n")]
    public void Splits_segments_on_any_line_ending(string terminator)
    {
        var result = _parser.Parse(Adt.Replace("\r", terminator));

        Assert.That(result.Messages, Has.Count.EqualTo(1));
        Assert.That(result.Messages[0].Segments.Select(s => s.Id), Is.EqualTo(new[] { "MSH", "EVN", "PID", "PV1" }));
    }

    [Test]
    public void Reads_fields_repetitions_components_and_msh_numbering()
    {
        var message = _parser.Parse(Adt).Messages[0];

        Assert.That(message.Get("MSH-1"), Is.EqualTo("|"));
        Assert.That(message.Get("MSH-2"), Is.EqualTo("^~\\&"));
        Assert.That(message.Get("MSH-9"), Is.EqualTo("ADT"));
        Assert.That(message.Get("PID-3"), Is.EqualTo("RR81"));
        Assert.That(message.Get("PID-3(2).1"), Is.EqualTo("9990000018"));
        Assert.That(message.Get("PID-3(2).5"), Is.EqualTo("NH"));
        Assert.That(message.Get("PID-5.2"), Is.EqualTo("Anne"));
        Assert.That(message.Get("PV1-3.4"), Is.EqualTo("RR8"));
        Assert.That(message.Get("PID-99"), Is.Null);
        Assert.That(message.GetAll("PID"), Has.Count.EqualTo(1));
    }

    [Test]
    public void Typed_msh_accessors()
    {
        var message = _parser.Parse(Adt).Messages[0];

        Assert.That(message.MessageType, Is.EqualTo("ADT"));
        Assert.That(message.TriggerEvent, Is.EqualTo("A01"));
        Assert.That(message.MessageStructure, Is.EqualTo("ADT_A01"));
        Assert.That(message.ControlId, Is.EqualTo("CTRL1"));
        Assert.That(message.Version, Is.EqualTo("2.4"));
        Assert.That(message.SendingApplication, Is.EqualTo("PAS"));
        Assert.That(message.SendingFacility, Is.EqualTo("RR8"));
        Assert.That(message.ReceivingApplication, Is.EqualTo("TIE"));
        Assert.That(message.ReceivingFacility, Is.EqualTo("RR8"));
        Assert.That(message.ParseProblems, Is.Empty);
    }

    [Test]
    public void Msh9_trailing_space_and_composite_version_are_tolerated()
    {
        var immunisations = _parser.Parse(Hl7v2Fixtures.Bytes("pipehat-oru-r01-v2.3-st-immunisations.hl7")).Messages[0];
        var composite = _parser.Parse(Hl7v2Fixtures.Bytes("pipehat-oru-r01-v2.3.1-minimal-pid-only.hl7")).Messages[0];

        Assert.That(immunisations.TriggerEvent, Is.EqualTo("R01"));
        Assert.That(composite.Version, Is.EqualTo("2.3.1"));
        Assert.That(composite.Get("MSH-12.2.1"), Is.EqualTo("AUS"));
        Assert.That(composite.Get("MSH-12.2.3"), Is.EqualTo("ISO"));
    }

    [Test]
    public void Bom_is_skipped()
    {
        var message = _parser.Parse(Hl7v2Fixtures.Bytes("fhirconv-adt-a01-v2.3-bom-dg1-trailing-spaces.hl7")).Messages[0];

        Assert.That(message.Segments[0].Id, Is.EqualTo("MSH"));
        Assert.That(message.TriggerEvent, Is.EqualTo("A01"));
    }

    [Test]
    public void Two_messages_separated_by_a_blank_line()
    {
        var body = Adt.Replace("\r", "\n") + "\n" + Adt.Replace("CTRL1", "CTRL2").Replace("\r", "\n");

        var result = _parser.Parse(body);

        Assert.That(result.Messages.Select(m => m.ControlId), Is.EqualTo(new[] { "CTRL1", "CTRL2" }));
        Assert.That(result.Problems, Is.Empty);
    }

    [Test]
    public void Escape_sequences_are_unescaped()
    {
        var message = _parser.Parse(Hl7v2Fixtures.Bytes("constructed-oru-r01-v2.4-escape-sequences.hl7")).Messages[0];

        Assert.That(message.Get("OBX[2]-5"), Is.EqualTo("Ratio A|B reported with a pipe"));
        Assert.That(message.Get("OBX[3]-5"), Is.EqualTo("Units x10^9/L & mmol/L"));
        Assert.That(message.Get("OBX[4]-5"), Is.EqualTo("Approx ~5 mmol/L"));
        Assert.That(message.Get("OBX[5]-5"), Is.EqualTo("Report filed at C:\\reports\\ue001.pdf"));
        Assert.That(message.Get("OBX[6]-5"), Is.EqualTo("Line one\r\nLine two\r\nLine three\nLine four highlighted normal"));
        Assert.That(message.Get("OBX[7]-5"), Is.EqualTo("Temperature 37.5\u00B0C"));
        Assert.That(message.Get("PID-11"), Is.EqualTo("Flat 2&3"));
        Assert.That(message.CharacterSet, Is.EqualTo("8859/1"));
    }

    [TestCase("C:\\MIME\\qld23.txt", "C:\\MIME\\qld23.txt")]
    [TestCase("a\\Zlocal\\b", "a\\Zlocal\\b")]
    [TestCase("trailing \\", "trailing \\")]
    [TestCase("x\\MIME\\F\\y", "x\\MIME|y")]
    [TestCase("\\X41\\\\XZZ\\", "A\\XZZ\\")]
    public void Unknown_or_invalid_escapes_stay_literal(string raw, string expected)
    {
        Assert.That(Hl7v2Escaping.Unescape(raw, Hl7v2EncodingCharacters.Standard), Is.EqualTo(expected));
    }

    [Test]
    public void Escape_round_trips_delimiters()
    {
        const string text = "a|b^c~d\\e&f";
        var escaped = Hl7v2Escaping.Escape(text, Hl7v2EncodingCharacters.Standard);

        Assert.That(escaped, Is.EqualTo("a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f"));
        Assert.That(Hl7v2Escaping.Unescape(escaped, Hl7v2EncodingCharacters.Standard), Is.EqualTo(text));
    }

    [Test]
    public void Explicit_null_is_distinguished_from_empty()
    {
        var message = _parser.Parse("MSH|^~\\&|A|B|C|D|20240101||ADT^A08|1|P|2.4\rPID|1||X^^^Y||\"\"||\r").Messages[0];
        var pid = message.GetSegment("PID")!;

        Assert.That(pid.IsExplicitNull(5), Is.True);
        Assert.That(pid.Get(5), Is.Null);
        Assert.That(pid.IsExplicitNull(7), Is.False);
        Assert.That(pid.GetField(5).IsExplicitNull, Is.True);
    }

    [Test]
    public void Custom_delimiters_and_five_character_msh2()
    {
        var message = _parser.Parse("MSH#$*!%@#A#B#C#D#20240101##ADT$A08#1#P#2.7\rPID#1##X$$$Y*Z#\r").Messages[0];

        Assert.That(message.Encoding, Is.EqualTo(new Hl7v2EncodingCharacters('#', '$', '*', '!', '%', '@')));
        Assert.That(message.TriggerEvent, Is.EqualTo("A08"));
        Assert.That(message.Get("PID-3(2)"), Is.EqualTo("Z"));
        Assert.That(message.ParseProblems, Is.Empty);
    }

    [Test]
    public void Quirky_v22_literal_backslash_r_and_doubled_escape_in_msh2()
    {
        // Same quirks as a public v2.2 export: MSH-2 "^~\\&" and the text \r before every LF.
        const string body = "MSH|^~\\\\&|PAS|RRV|EPR|ZZ|201209211843||ADT^A01|Q1|P|2.2|||AL|NE\\r\n" +
            "PID|||50032556^^^MRENTR^MEDREC||TEST^Amy||19400101|F\\r\n";

        var message = _parser.Parse(body).Messages[0];

        Assert.That(message.Encoding, Is.EqualTo(Hl7v2EncodingCharacters.Standard));
        Assert.That(message.Get("MSH-16"), Is.EqualTo("NE"));
        Assert.That(message.Get("PID-8"), Is.EqualTo("F"));
        Assert.That(message.ParseProblems.All(p => p.Severity == Hl7v2Severity.Information), Is.True);
    }

    [Test]
    public void Missing_msh_is_a_rejecting_problem()
    {
        var result = _parser.Parse(Hl7v2Fixtures.Bytes("broken-no-msh.hl7"));

        Assert.That(result.Messages, Is.Empty);
        Assert.That(result.Problems.Single().Rejects, Is.True);
    }

    [TestCase("broken-bad-encoding-chars-duplicate.hl7", "BADENC0001")]
    [TestCase("broken-bad-encoding-chars-missing.hl7", "BADENC0002")]
    public void Bad_encoding_characters_reject_but_keep_the_control_id(string file, string controlId)
    {
        var message = _parser.Parse(Hl7v2Fixtures.Bytes(file)).Messages.Single();

        Assert.That(message.ControlId, Is.EqualTo(controlId));
        var problem = message.ParseProblems.Single(p => p.Rejects);
        Assert.That(problem.Location, Is.EqualTo("MSH-2"));
        Assert.That(problem.Code, Is.EqualTo(Hl7v2ErrorCode.DataTypeError));
    }

    [Test]
    public void Mllp_residue_is_stripped()
    {
        var message = _parser.Parse(Hl7v2Fixtures.Bytes("broken-mllp-framing-residue.hl7")).Messages.Single();

        Assert.That(message.ControlId, Is.EqualTo("MLLP0001"));
        Assert.That(message.Segments[^1].Id, Is.EqualTo("PV1"));
    }

    [Test]
    public void Wrapped_segment_tail_is_reported_with_its_position()
    {
        var message = _parser.Parse(Hl7v2Fixtures.Bytes("pipehat-oru-r01-v2.4-sn-split-obr-quirk.hl7")).Messages[0];

        var problem = message.ParseProblems.Single(p => p.SegmentId == "LAB");
        Assert.That(problem.Severity, Is.EqualTo(Hl7v2Severity.Warning));
        Assert.That(problem.SegmentIndex, Is.EqualTo(3));
    }

    [Test]
    public void Line_that_is_not_a_segment_is_an_error()
    {
        var message = _parser.Parse("MSH|^~\\&|A|B|C|D|20240101||ADT^A08|1|P|2.4\rPID|1||X^^^Y||SMITH\rthe rest of a wrapped line\r").Messages[0];

        var problem = message.ParseProblems.Single(p => p.Severity == Hl7v2Severity.Error);
        Assert.That(problem.Code, Is.EqualTo(Hl7v2ErrorCode.SegmentSequenceError));
        Assert.That(message.Segments, Has.Count.EqualTo(2));
    }

    [Test]
    public void Truncated_last_segment_is_noted()
    {
        var message = _parser.Parse(Hl7v2Fixtures.Bytes("broken-truncated-segment.hl7")).Messages[0];

        Assert.That(message.ParseProblems.Any(p => p.SegmentId == "PID" && p.Text.Contains("truncated")), Is.True);
        Assert.That(message.Get("PID-3(2)"), Is.EqualTo("999000003"));
    }

    [Test]
    public void Latin1_body_is_decoded_when_msh18_says_8859_1()
    {
        var bytes = Encoding.Latin1.GetBytes("MSH|^~\\&|A|B|C|D|20240101||ADT^A08|1|P|2.4||||||8859/1\rPID|1||X^^^Y||BJ\u00D6RK^Ana\r");

        var message = _parser.Parse(bytes).Messages[0];

        Assert.That(message.Get("PID-5"), Is.EqualTo("BJ\u00D6RK"));
    }

    [Test]
    public void Utf8_body_keeps_non_ascii_text()
    {
        var message = _parser.Parse(Hl7v2Fixtures.Bytes("pipehat-oru-r01-v2.3-large-nte-add-fts-nonascii.hl7")).Messages[0];

        Assert.That(message.ControlId, Does.Contain("\u2013"));
    }

    [Test]
    public void Problem_location_notation()
    {
        var problem = new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.TableValueNotFound, "x", "OBX", 2, 11);

        Assert.That(problem.Location, Is.EqualTo("OBX[2]-11"));
    }
}
