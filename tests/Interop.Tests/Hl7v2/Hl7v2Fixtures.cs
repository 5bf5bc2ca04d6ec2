namespace Interop.Tests.Hl7v2;

/// <summary>Reads the HL7 v2 sample files copied to Fixtures/hl7v2 (MIT/Apache-2.0, licences beside them).</summary>
internal static class Hl7v2Fixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "hl7v2");

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    public static IEnumerable<string> All() =>
        System.IO.Directory.GetFiles(Directory, "*.hl7")
            .Select(Path.GetFileName).OfType<string>().Order();
}
