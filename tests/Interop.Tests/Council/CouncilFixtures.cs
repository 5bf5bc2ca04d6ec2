using NUnit.Framework;

namespace Interop.Tests.Council;

/// <summary>Loads the council fixture files copied beside the test assembly.</summary>
internal static class CouncilFixtures
{
    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "council", name));
}
