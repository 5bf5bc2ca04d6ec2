using Interop.Storage;
using Npgsql;
using NUnit.Framework;

namespace Interop.Tests.Hosting;

/// <summary>Automatic statement preparation and JIT on PostgreSQL: prepared and no JIT by default, the operator's setting wins.</summary>
[TestFixture]
public sealed class PostgreSqlConnectionTests
{
    [Test]
    public void Auto_prepare_is_added_when_the_connection_string_does_not_set_it()
    {
        var result = new NpgsqlConnectionStringBuilder(StorageServiceCollectionExtensions.WithAutoPrepare("Host=db;Username=u;Password=p;Database=interop"));
        Assert.That(result.MaxAutoPrepare, Is.EqualTo(64));
        Assert.That(result.AutoPrepareMinUsages, Is.EqualTo(2));
        Assert.That((result.Host, result.Username, result.Password, result.Database), Is.EqualTo(("db", "u", "p", "interop")), "the rest is kept");
    }

    [TestCase("Host=db;Max Auto Prepare=0", 0)]
    [TestCase("Host=db;MaxAutoPrepare=10", 10)]
    public void An_explicit_setting_is_left_alone(string connectionString, int expected)
    {
        Assert.That(StorageServiceCollectionExtensions.WithAutoPrepare(connectionString), Is.EqualTo(connectionString));
        Assert.That(new NpgsqlConnectionStringBuilder(connectionString).MaxAutoPrepare, Is.EqualTo(expected));
    }

    [Test]
    public void Jit_is_turned_off_when_the_options_do_not_set_it()
    {
        var result = new NpgsqlConnectionStringBuilder(StorageServiceCollectionExtensions.WithGatewayDefaults("Host=db;Username=u;Password=p;Database=interop"));
        Assert.That(result.Options, Is.EqualTo("-c jit=off"));
        Assert.That(result.MaxAutoPrepare, Is.EqualTo(64), "and statements are still prepared");
    }

    [Test]
    public void Jit_off_joins_other_options()
    {
        var result = new NpgsqlConnectionStringBuilder(StorageServiceCollectionExtensions.WithoutJit("Host=db;Options=-c statement_timeout=5s"));
        Assert.That(result.Options, Is.EqualTo("-c statement_timeout=5s -c jit=off"));
    }

    [TestCase("Host=db;Options=-c jit=on")]
    [TestCase("Host=db;Options='-c search_path=interop -c JIT = on'")]
    public void An_explicit_jit_setting_is_left_alone(string connectionString)
    {
        Assert.That(StorageServiceCollectionExtensions.WithoutJit(connectionString), Is.EqualTo(connectionString));
    }
}
