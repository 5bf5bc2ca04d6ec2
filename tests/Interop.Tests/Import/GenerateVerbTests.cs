using Interop.Core.Synthetic;
using NUnit.Framework;

namespace Interop.Tests.Import;

[TestFixture]
public sealed class GenerateVerbTests
{
    private readonly List<string> _folders = [];

    [TearDown]
    public void DeleteFolders()
    {
        foreach (var folder in _folders.Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
        _folders.Clear();
    }

    private string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"interop-generate-{Guid.NewGuid():N}");
        _folders.Add(folder);
        return folder;
    }

    [Test]
    public async Task The_same_seed_writes_the_same_files_with_a_count_line()
    {
        var first = NewFolder();
        var second = NewFolder();
        var a = await CommandLineRun.RunAsync("generate", "--patients", "3", "--seed", "7", "--out", first, "--resources-per-patient", "40");
        var b = await CommandLineRun.RunAsync("generate", "--patients", "3", "--seed", "7", "--out", second, "--resources-per-patient", "40");

        Assert.That(a.ExitCode, Is.EqualTo(0), a.Errors);
        Assert.That(b.ExitCode, Is.EqualTo(0), b.Errors);
        var names = Directory.GetFiles(first).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.That(names, Is.EqualTo(new[] { "organizations.json", "patient-00000.json", "patient-00001.json", "patient-00002.json" }));
        foreach (var name in names)
            Assert.That(File.ReadAllBytes(Path.Combine(second, name!)), Is.EqualTo(File.ReadAllBytes(Path.Combine(first, name!))), name);

        var expected = new SyntheticDataGenerator(7, new SyntheticDataOptions { ResourcesPerPatient = 40 }).WriteTo(NewFolder(), 3);
        Assert.That(a.CountLine, Does.StartWith("Wrote 4 files").And.Contain($"{expected.Resources} resources"));
    }

    [Test]
    public async Task Missing_arguments_print_the_usage_and_fail()
    {
        var run = await CommandLineRun.RunAsync("generate", "--patients", "3");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors, Does.Contain("usage: generate"));
    }
}
