using Interop.Adapters.Hl7v2;
using NUnit.Framework;

namespace Interop.Tests.Hl7v2;

[TestFixture]
public class Hl7v2AckBuilderTests
{
    private readonly Hl7v2Parser _parser = new();
    private readonly Hl7v2AckBuilder _builder = new(new FixedTime(new DateTimeOffset(2024, 3, 15, 10, 20, 30, TimeSpan.Zero)));

    private Hl7v2Message Parse(string body) => _parser.Parse(body).Messages.Single();

    private static string[][] Segments(string ack) =>
        ack.Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split('|')).ToArray();

    [Test]
    public void AA_swaps_sender_and_receiver_and_echoes_the_control_id()
    {
        var message = Parse("MSH|^~\\&|PAS|RR8|TIE|RRX|20240315101500||ADT^A01^ADT_A01|CTRL1|P|2.4\rPID|1\r");

        var ack = Segments(_builder.Build(message, Hl7v2AckCode.AA, []));

        Assert.That(ack.Select(s => s[0]), Is.EqualTo(new[] { "MSH", "MSA" }));
        Assert.That(ack[0][2..6], Is.EqualTo(new[] { "TIE", "RRX", "PAS", "RR8" }));
        Assert.That(ack[0][6], Is.EqualTo("20240315102030+0000"));
        Assert.That(ack[0][8], Is.EqualTo("ACK^A01^ACK"));
        Assert.That(ack[0][9], Is.Not.EqualTo("CTRL1").And.Not.Empty);
        Assert.That(ack[0][10], Is.EqualTo("P"));
        Assert.That(ack[0][11], Is.EqualTo("2.4"));
        Assert.That(ack[1], Is.EqualTo(new[] { "MSA", "AA", "CTRL1" }));
    }

    [Test]
    public void AE_has_one_err_per_error_and_warning_in_v25_style()
    {
        var message = Parse("MSH|^~\\&|PAS|RR8|TIE|RR8|20240315101500||ADT^A01|CTRL2|P|2.5\rPID|1\r");
        var problems = new[]
        {
            new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.DataTypeError, "NHS number fails the check | digit.", "PID", 1, 3),
            new Hl7v2Problem(Hl7v2Severity.Warning, Hl7v2ErrorCode.TableValueNotFound, "OBX-11 unknown.", "OBX", 2, 11),
            new Hl7v2Problem(Hl7v2Severity.Information, Hl7v2ErrorCode.SegmentSequenceError, "not written"),
        };

        var ack = Segments(_builder.Build(message, Hl7v2AckBuilder.DecideAckCode(problems), problems));

        Assert.That(ack[1][1], Is.EqualTo("AE"));
        var errs = ack.Where(s => s[0] == "ERR").ToList();
        Assert.That(errs, Has.Count.EqualTo(2));
        Assert.That(errs[0][1], Is.Empty, "ERR-1 is only for versions before 2.5");
        Assert.That(errs[0][2], Is.EqualTo("PID^1^3"));
        Assert.That(errs[0][3], Is.EqualTo("102^Data type error^HL70357"));
        Assert.That(errs[0][4], Is.EqualTo("E"));
        Assert.That(errs[0][8], Is.EqualTo("NHS number fails the check \\F\\ digit."));
        Assert.That(errs[1][2], Is.EqualTo("OBX^2^11"));
        Assert.That(errs[1][4], Is.EqualTo("W"));
    }

    [Test]
    public void Before_v25_err1_is_filled_too_and_msh9_has_no_structure_before_231()
    {
        var message = Parse("MSH|^~\\&|LAB|RR8|||20240315||ORU^R01|C3|P|2.3\rPID|1\r");
        var problem = new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.RequiredFieldMissing, "OBR-4 empty.", "OBR", 1, 4);

        var ack = Segments(_builder.Build(message, Hl7v2AckCode.AE, [problem]));

        Assert.That(ack[0][8], Is.EqualTo("ACK^R01"));
        var err = ack.Single(s => s[0] == "ERR");
        Assert.That(err[1], Is.EqualTo("OBR^1^4^101&Required field missing&HL70357"));
        Assert.That(err[2], Is.EqualTo("OBR^1^4"));
    }

    [Test]
    public void Composite_version_is_kept()
    {
        var message = Parse("MSH|^~\\&|MERIDIAN|Demo|||20100202||ORU^R01|X1|P|2.3.1^AUS&&ISO\rPID|1\r");

        var ack = Segments(_builder.Build(message, Hl7v2AckCode.AA, []));

        Assert.That(ack[0][11], Is.EqualTo("2.3.1^AUS&&ISO"));
    }

    [Test]
    public void Custom_delimiters_are_rewritten_to_standard_ones()
    {
        var message = Parse("MSH#$*!%#APP$NS#FAC#RCV#RFAC#20240101##ADT$A08#1#P#2.4\rPID#1\r");

        var ack = Segments(_builder.Build(message, Hl7v2AckCode.AA, []));

        Assert.That(ack[0][1], Is.EqualTo("^~\\&"));
        Assert.That(ack[0][4], Is.EqualTo("APP^NS"));
    }

    [Test]
    public void Unreadable_input_gets_an_AR_with_defaults()
    {
        var parsed = _parser.Parse("this is not hl7\r");

        var ack = Segments(_builder.BuildUnreadable(parsed.Problems));

        Assert.That(ack[0][2], Is.EqualTo("INTEROP"));
        Assert.That(ack[0][8], Is.EqualTo("ACK"));
        Assert.That(ack[0][11], Is.EqualTo("2.5"));
        Assert.That(ack[1][1], Is.EqualTo("AR"));
        Assert.That(ack[1][2], Is.Empty);
        Assert.That(ack.Count(s => s[0] == "ERR"), Is.EqualTo(1));
    }

    [Test]
    public void Decide_ack_code()
    {
        var warning = new Hl7v2Problem(Hl7v2Severity.Warning, Hl7v2ErrorCode.TableValueNotFound, "w");
        var error = new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.DataTypeError, "e");
        var reject = new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.UnsupportedEventCode, "r", Rejects: true);

        Assert.That(Hl7v2AckBuilder.DecideAckCode([warning]), Is.EqualTo(Hl7v2AckCode.AA));
        Assert.That(Hl7v2AckBuilder.DecideAckCode([warning, error]), Is.EqualTo(Hl7v2AckCode.AE));
        Assert.That(Hl7v2AckBuilder.DecideAckCode([error, reject]), Is.EqualTo(Hl7v2AckCode.AR));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
