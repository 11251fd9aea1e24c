using System.ComponentModel.DataAnnotations;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace PresenceHub.Gateway.Demo;

/// <summary>
/// <c>PresenceHub.Gateway demo</c>: the Graph simulator, the gateway and a console connector in one process, showing
/// presence flow live until Ctrl+C. Needs nothing but the .NET SDK.
/// </summary>
internal static class DemoCommand
{
    public const string Name = "demo";

    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs the demo until SIGINT or SIGTERM. Returns 0 after a clean stop, 1 when it could not start, 2 for bad settings.</summary>
    /// <param name="args">The arguments after <c>demo</c>, e.g. <c>--Demo:Users=12</c>.</param>
    public static async Task<int> RunAsync(string[] args)
    {
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            // Handled: the demo stops its components itself and exits 0.
            context.Cancel = true;
            stop.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        var time = TimeProvider.System;
        var builder = WebApplication.CreateBuilder(args);
        DemoOptions options;
        try
        {
            options = DemoOptions.Read(builder.Configuration);
        }
        catch (ValidationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        var terminal = !Console.IsOutputRedirected;
        IPresenceView view = terminal ? new TerminalPresenceView(Console.Out, time) : new PlainPresenceView(Console.Out);
        using var logs = new DemoLogSink(time);
        void ConfigureLogging(ILoggingBuilder logging)
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(LogLevel.Warning);
            logging.AddProvider(logs);
            if (!terminal)
            {
                // Plain output: warnings go to stderr as they happen; on a terminal they show under the table.
                logging.AddSimpleConsole(o => o.SingleLine = true);
                logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            }
        }

        ConfigureLogging(builder.Logging);
        if (terminal)
        {
            await Console.Out.WriteLineAsync("Starting the PresenceHub demo: Graph simulator, gateway, console connector...").ConfigureAwait(false);
        }

        DemoWorld? world = null;
        string? failure = null;
        try
        {
            world = await DemoWorld.StartAsync(builder, options, view, ConfigureLogging, time, stop.Token).ConfigureAwait(false);
            view.Started(world);
            using var timer = new PeriodicTimer(RefreshInterval, time);
            do
            {
                await world.RefreshAsync(stop.Token).ConfigureAwait(false);
                view.Refresh(world.Table.Rows, world.Status(logs));
            }
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl+C.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever went wrong, the parts are stopped and the terminal restored before the error is shown.
            failure = ex is InvalidOperationException or HttpRequestException or OptionsValidationException or IOException ? ex.Message : ex.ToString();
        }

        var status = world?.Status(logs);
        if (world is not null)
        {
            await world.DisposeAsync().ConfigureAwait(false);
        }

        view.Stopped(status);
        if (failure is not null)
        {
            await Console.Error.WriteLineAsync($"The demo stopped with an error: {failure}").ConfigureAwait(false);
            return 1;
        }

        return 0;
    }
}
