using Interop.Api.Fhir;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Api;

/// <summary>
/// <see cref="TransactionAdmission"/>: at most <see cref="TransactionAdmission.Limit"/> Bundles are
/// parsed and processed at once; the next waits until one finishes, and a slot freed twice is freed once.
/// </summary>
[TestFixture]
public sealed class TransactionAdmissionTests
{
    [Test]
    public async Task The_next_Bundle_waits_until_one_of_the_limit_finishes()
    {
        var admission = new TransactionAdmission();
        var held = new List<IDisposable>();
        for (var i = 0; i < TransactionAdmission.Limit; i++) held.Add(await admission.EnterAsync(CancellationToken.None));

        var next = admission.EnterAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.That(next.IsCompleted, Is.False, "over the limit it waits");

        held[0].Dispose();
        held[0].Dispose(); // freed once, not twice
        var admitted = await next.WaitAsync(TimeSpan.FromSeconds(5));

        var another = admission.EnterAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.That(another.IsCompleted, Is.False, "a slot disposed twice does not admit two");
        admitted.Dispose();
        (await another.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        foreach (var slot in held.Skip(1)) slot.Dispose();
    }
}
