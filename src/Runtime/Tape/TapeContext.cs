using System;
using System.Runtime.CompilerServices;

namespace AutoDiffGen;

/// <summary>
/// The calling thread's recording state: the traces of the active (recording) tapes, in the order they were entered,
/// and a pause depth (custom-gradient forward passes pause every tape, as TensorFlow's <c>stop_recording</c> on the
/// tape set does).
/// </summary>
internal sealed class TapeContext
{
    [ThreadStatic]
    private static TapeContext? t_current;

    internal Trace[] Active = new Trace[4];
    internal int Count;
    private int _pauseDepth;

    /// <summary>True when operations must be offered to <see cref="Active"/>.</summary>
    internal bool IsRecording;

    internal static TapeContext Current => t_current ??= new TapeContext();

    /// <summary>The calling thread's context if it is recording, else <see langword="null"/> (the hot-path check).</summary>
    internal static TapeContext? Recording
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            TapeContext? c = t_current;
            return c is not null && c.IsRecording ? c : null;
        }
    }

    /// <summary>Whether any tape records on the calling thread (decides between the raw and the recorded backward pass).</summary>
    internal static bool AnyRecording => Recording is not null;

    internal void Push(Trace trace)
    {
        if (Count == Active.Length)
        {
            Array.Resize(ref Active, Count * 2);
        }

        Active[Count++] = trace;
        trace.IsRecording = true;
        Update();
    }

    internal void Remove(Trace trace)
    {
        for (int i = Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(Active[i], trace))
            {
                Array.Copy(Active, i + 1, Active, i, Count - i - 1);
                Active[--Count] = null!;
                break;
            }
        }

        trace.IsRecording = false;
        Update();
    }

    internal void Pause()
    {
        _pauseDepth++;
        Update();
    }

    internal void Unpause()
    {
        _pauseDepth--;
        Update();
    }

    private void Update() => IsRecording = Count > 0 && _pauseDepth == 0;

    /// <summary>Pauses recording on the calling thread until disposed.</summary>
    internal static PauseScope PauseAll()
    {
        TapeContext c = Current;
        c.Pause();
        return new PauseScope(c);
    }

    internal readonly struct PauseScope : IDisposable
    {
        private readonly TapeContext _context;

        internal PauseScope(TapeContext context) => _context = context;

        public void Dispose() => _context.Unpause();
    }
}
