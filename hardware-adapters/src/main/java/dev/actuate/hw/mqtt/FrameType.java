package dev.actuate.hw.mqtt;

/** Frame types of the native protocol; the byte is the wire code. */
public enum FrameType {
    /** Robot to controller: observation, reward and episode flags. */
    STATE(1),
    /** Controller to robot: command values, echoing the state they answer. */
    COMMAND(2);

    public final int code;

    FrameType(int code) {
        this.code = code;
    }

    static FrameType ofCode(int code) {
        return code == 1 ? STATE : code == 2 ? COMMAND : null;
    }
}
