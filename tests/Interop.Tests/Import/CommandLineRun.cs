using Interop.Api.Hosting;

namespace Interop.Tests.Import;

/// <summary>Runs a command-line verb in-process and captures what it writes to stdout and stderr.</summary>
public sealed record CommandLineRun(int ExitCode, string Output, string Errors)
{
    private static readonly SemaphoreSlim ConsoleGate = new(1, 1);

    public static async Task<CommandLineRun> RunAsync(params string[] args)
    {
        await ConsoleGate.WaitAsync();
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var errors = new StringWriter();
        try
        {
            Console.SetOut(output);
            Console.SetError(errors);
            var code = await CommandLine.RunAsync(args);
            return new CommandLineRun(code, output.ToString(), errors.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            ConsoleGate.Release();
        }
    }

    /// <summary>The last line on stdout: the verb's count line.</summary>
    public string CountLine => Output.TrimEnd().Split('\n')[^1].Trim();
}
