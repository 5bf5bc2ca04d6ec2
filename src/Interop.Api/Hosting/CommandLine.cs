using Interop.Storage;

namespace Interop.Api.Hosting;

/// <summary>
/// Command-line verbs of the gateway (contracts.md): run with
/// <c>dotnet run --project src/Interop.Api -- VERB [options]</c>.
/// </summary>
public static class CommandLine
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Verbs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["migrate"] = MigrateAsync,
        ["--migrate-only"] = MigrateAsync,
        ["help"] = HelpAsync,
        ["--help"] = HelpAsync,
    };

    public static bool IsVerb(string arg) => Verbs.ContainsKey(arg);

    public static Task<int> RunAsync(string[] args) => Verbs[args[0]](args);

    /// <summary>Applies migrations and exits: the job that runs before replicas start with migrations off.</summary>
    private static async Task<int> MigrateAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args.Skip(1).ToArray());
        builder.Services.AddInteropStorage(builder.Configuration);
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        Console.WriteLine("Database schema is current.");
        return 0;
    }

    private static Task<int> HelpAsync(string[] args)
    {
        Console.WriteLine("""
            Interop gateway. With no verb, starts the server.

              migrate | --migrate-only   apply database migrations and exit
              help                       this text
            """);
        return Task.FromResult(0);
    }
}
