using System.Diagnostics.Metrics;
using SmartRules.Grains.Telemetry;

namespace SmartRules.LoadBench;

/// <summary>The bench's way to hear one of the silo's SmartRules instruments (it runs in the bench's process).</summary>
internal static class SmartRulesInstrument
{
    /// <summary>A started listener that calls <paramref name="callback"/> for each measurement of the instrument named
    /// <paramref name="name"/> on the SmartRules meter; dispose it to stop.</summary>
    public static MeterListener Listen<T>(string name, MeasurementCallback<T> callback)
        where T : struct
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SmartRulesMetrics.MeterName && instrument.Name == name) listener.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback(callback);
        listener.Start();
        return listener;
    }
}
