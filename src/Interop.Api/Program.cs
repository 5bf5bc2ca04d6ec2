using Interop.Api.Hosting;

// Command-line verbs (token, import, generate, migrate ...) run and exit without starting the server.
if (args.Length > 0 && CommandLine.IsVerb(args[0]))
    return await CommandLine.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddInteropServices();

var app = builder.Build();
app.UseInteropPipeline();
await app.RunAsync();
return 0;

/// <summary>The ASP.NET Core entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
